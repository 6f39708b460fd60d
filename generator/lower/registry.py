"""What lowering one document has named and built so far: class names handed out, component
schemas and the class each becomes, models and aliases, request TypedDicts, warnings.

The lowering functions (``schemas``, ``unions``, ``responses`` ...) read it through read-only
views and change it only through its methods, so every rule about names (one class per name,
an inline type met twice is one type) is kept here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator import naming
from generator.ir import Alias, Model, ModelRef, ParamsRef, ParamsType, Profile
from generator.lower.reserved import BUILTIN_CLASS_NAMES, PACKAGE_NAMES

Named = tuple[str, str]  # (class name, module)
Key = tuple[object, ...]  # what makes two inline types the same type


class Registry:
    def __init__(self, profile: Profile) -> None:
        self._taken: set[str] = {
            *PACKAGE_NAMES,
            *BUILTIN_CLASS_NAMES,
            profile.client_class,
            profile.async_client_class,
            profile.error_base,
            *(cls for _, cls in profile.status_errors),
            *(cls for _, cls in profile.error_types),
        }
        self._seen = {naming.name_key(n) for n in self._taken}  # what unique_into compares
        self._components: dict[str, Named] = {}  # pointer -> model: object schemas
        self._component_aliases: dict[str, Named] = {}  # pointer -> alias: the others
        self._pointer_of: dict[str, str] = {}  # component model's class name -> pointer
        self._models: dict[str, Model] = {}  # by class name
        self._queue: list[str] = []  # component pointers whose model is still to build
        self._inline_models: dict[Key, ModelRef] = {}
        self._aliases: list[Alias] = []
        self._params: dict[str, ParamsType] = {}  # by class name
        self._inline_params: dict[Key, ParamsRef] = {}
        self._params_owners: dict[str, set[str]] = {}  # inline request type -> its operations
        self._params_titles: dict[str, str] = {}  # inline request type -> its schema's title
        self._component_params: dict[str, ParamsRef] = {}  # component pointer -> TypedDict
        self._warnings: list[str] = []

    # Names -------------------------------------------------------------------------------
    def claim(self, wanted: str) -> str:
        """A class name not handed out yet (``wanted``, else ``wanted_2`` ...), now taken."""
        return self.claim_all([wanted])[0]

    def claim_all(self, wanted: list[str]) -> list[str]:
        names = naming.unique_into(wanted, self._seen)
        self._taken.update(names)
        return names

    @property
    def taken(self) -> frozenset[str]:
        return frozenset(self._taken)

    # Components --------------------------------------------------------------------------
    def add_component(self, where: str, named: Named, *, model: bool) -> None:
        if model:
            self._components[where] = named
            self._pointer_of[named[0]] = where
        else:
            self._component_aliases[where] = named

    @property
    def components(self) -> Mapping[str, Named]:
        """Component schemas that become models: pointer -> (class name, module)."""
        return self._components

    @property
    def component_aliases(self) -> Mapping[str, Named]:
        return self._component_aliases

    def pointer_of(self, model_name: str) -> str | None:
        """The component schema a model was built from; None for an inline model."""
        return self._pointer_of.get(model_name)

    def queue(self, where: str) -> None:
        """Build the component model at ``where`` later (``next_queued``), unless it is built
        or queued already."""
        name = self._components[where][0]
        if name not in self._models and where not in self._queue:
            self._queue.append(where)

    def queue_components(self) -> None:
        self._queue.extend(sorted(self._components))

    def next_queued(self) -> str | None:
        return self._queue.pop(0) if self._queue else None

    # Types -------------------------------------------------------------------------------
    @property
    def models(self) -> Mapping[str, Model]:
        return self._models

    def add_model(self, model: Model) -> None:
        self._models[model.name] = model

    def inline_model(self, key: Key) -> ModelRef | None:
        return self._inline_models.get(key)

    def add_inline_model(self, key: Key, model: Model) -> ModelRef:
        self.add_model(model)
        ref = self._inline_models[key] = ModelRef(model.name, model.module)
        return ref

    @property
    def aliases(self) -> Sequence[Alias]:
        return self._aliases

    def add_alias(self, alias: Alias) -> None:
        self._aliases.append(alias)

    # Request TypedDicts ------------------------------------------------------------------
    @property
    def params(self) -> Mapping[str, ParamsType]:
        return self._params

    def inline_params(self, key: Key, owner: str) -> ParamsRef | None:
        """The inline request type already made for ``key``, now used by ``owner`` too."""
        found = self._inline_params.get(key)
        if found is not None:
            self._params_owners[found.name].add(owner)
        return found

    def add_inline_params(self, key: Key, params: ParamsType, title: str | None) -> ParamsRef:
        self._params[params.name] = params
        ref = self._inline_params[key] = ParamsRef(params.name)
        self._params_owners[params.name] = {params.module}
        if title is not None:
            self._params_titles[params.name] = title
        return ref

    def params_title(self, name: str) -> str | None:
        return self._params_titles.get(name)

    def params_owners(self, name: str) -> frozenset[str]:
        return frozenset(self._params_owners.get(name, ()))

    def component_params(self, where: str) -> ParamsRef | None:
        return self._component_params.get(where)

    def reserve_component_params(self, where: str, ref: ParamsRef) -> None:
        """Name the TypedDict of the component at ``where`` before its fields are lowered (a
        schema may refer to itself); ``add_params`` adds it once they are."""
        self._component_params[where] = ref

    def add_params(self, params: ParamsType) -> None:
        self._params[params.name] = params

    # Warnings ----------------------------------------------------------------------------
    def warn(self, where: str, message: str) -> None:
        self._warnings.append(f"#{where}: {message}")

    @property
    def warnings(self) -> Sequence[str]:
        return self._warnings
