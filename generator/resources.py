"""Views for the resource namespaces of a ``surface = "resources"`` client: one module per
top-level namespace under ``resources/``, holding its sync and async classes.

The placement and names are decided in ``surface``; this module only arranges them for the
``resources_module.py.jinja`` template and the client's namespace properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import naming
from generator.ir import Api, Operation
from generator.surface import Method, Namespace, Surface, build_surface
from generator.views.methods import resource_method


@dataclass(frozen=True)
class ResourceClass:
    namespace: Namespace
    name: str  # the sync class; the async one is "Async" + name
    children: tuple[tuple[str, str], ...]  # (attribute, class name) of each child namespace
    methods: tuple[Method, ...]

    @property
    def access(self) -> str:
        return ".".join(self.namespace.path)


@dataclass(frozen=True)
class ResourceModule:
    name: str  # module under resources/
    top: ResourceClass  # the class the client's attribute returns
    classes: tuple[ResourceClass, ...]  # every class of the module, children before parents

    @property
    def operations(self) -> list[Operation]:
        return [m.op for c in self.classes for m in c.methods]


def client_surface(api: Api) -> Surface | None:
    """The API's resource surface, or None for a flat client."""
    if api.profile.surface != "resources":
        return None
    return build_surface(api, reserved=client_attributes(api))


def client_attributes(api: Api) -> frozenset[str]:
    """Names the client class already has: its flat methods and the runtime's public ones."""
    from generator.templates.runtime import _base_client

    runtime = {
        name
        for cls in (_base_client.SyncBaseClient, _base_client.AsyncBaseClient)
        for name in dir(cls)
        if not name.startswith("_")
    }
    return frozenset({op.py_name for op in api.operations} | runtime)


def resource_modules(surface: Surface, api: Api) -> list[ResourceModule]:
    """Each module's classes, named ``<Path>Resource`` apart from every model and TypedDict
    a module may import."""
    taken = [m.name for m in api.models] + [a.name for a in api.aliases]
    taken += [p.name for p in api.params_types]
    taken += [api.profile.client_class, api.profile.async_client_class]
    modules = []
    for top in surface.root.children:
        spaces = top.walk()
        wanted = [naming.class_name("_".join(ns.path)) + "Resource" for ns in spaces]
        names = naming.uniquify(wanted, [*taken, *("Async" + t for t in taken)])
        by_path = {ns.path: name for ns, name in zip(spaces, names, strict=True)}
        classes = [
            ResourceClass(
                namespace=ns,
                name=by_path[ns.path],
                children=tuple((child.name, by_path[child.path]) for child in ns.children),
                methods=ns.methods,
            )
            for ns in spaces
        ]
        modules.append(
            ResourceModule(name=top.name, top=classes[0], classes=tuple(reversed(classes)))
        )
    return modules


def render_resources(
    surface: Surface,
    env: jinja2.Environment,
    context: dict[str, Any],
    imports_for: Callable[[ResourceModule], str],
) -> dict[str, str]:
    """``resources/__init__.py`` and one module per top-level namespace."""
    files = {"resources/__init__.py": env.get_template("resources_init.py.jinja").render(**context)}
    template = env.get_template("resources_module.py.jinja")
    for module in resource_modules(surface, context["api"]):
        files[f"resources/{module.name}.py"] = template.render(
            **context,
            imports=imports_for(module),
            module=module,
            classes=resource_classes(module, context["api"]),
        )
    return files


@dataclass(frozen=True)
class ClassView:
    """One class of a resource module as ``resources_module.py.jinja`` lays it out."""

    name: str
    doc: str  # the docstring's text
    client: str  # the client class its constructor takes
    children: tuple[tuple[str, str], ...]  # (attribute, class name) of each child namespace
    methods: tuple[str, ...]  # each method's source


def resource_classes(module: ResourceModule, api: Api) -> list[ClassView]:
    """The module's sync classes, then its async ones ("Async" before each class name)."""
    views = []
    for prefix, cls_prefix, client in (
        ("", "", api.profile.client_class),
        ("async ", "Async", api.profile.async_client_class),
    ):
        for c in module.classes:
            also = ", ".join(f"``.{attr}``" for attr, _ in c.children)
            views.append(
                ClassView(
                    name=cls_prefix + c.name,
                    doc=f"``client.{c.access}``" + (f": also {also}" if also else "") + ".",
                    client=client,
                    children=tuple((attr, cls_prefix + child) for attr, child in c.children),
                    methods=tuple(resource_method(m, prefix) for m in c.methods),
                )
            )
    return views
