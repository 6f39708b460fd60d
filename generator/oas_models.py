"""openapi-pydantic's models, loaded one OpenAPI version at a time.

Importing ``openapi_pydantic`` (or any module under it the usual way) runs its package
``__init__``, which builds the 3.0 and the 3.1 models together: about 0.09 s of CPU on every cold
run, where a document needs one of them (a 3.2 document is read through the 3.1 models). The
models of each version are self-contained (they import only ``openapi_pydantic.compat`` beside
their own package), so the one a document needs is imported with its parent packages standing
in as bare namespaces, removed again afterwards: a later plain ``import openapi_pydantic``
still runs the real ``__init__``, which then reuses the versions loaded here.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openapi_pydantic.v3 import v3_0, v3_1

_PARENTS = ("openapi_pydantic", "openapi_pydantic.v3")
# pydantic looks its plugins up in every installed distribution's entry points when it builds the
# first model class: 0.06-0.09 s of CPU per cold run in a typical venv. The spec models are only
# the generator's validator, which no plugin (tracing, metrics) is meant to watch, so the lookup
# is skipped while they are built, through pydantic's documented switch; the caller's setting of
# it, if any, is left as it was.
_NO_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


def openapi_3_0() -> type[v3_0.OpenAPI]:
    _load_alone("openapi_pydantic.v3.v3_0")
    from openapi_pydantic.v3.v3_0 import OpenAPI

    return OpenAPI


def openapi_3_1() -> type[v3_1.OpenAPI]:
    _load_alone("openapi_pydantic.v3.v3_1")
    from openapi_pydantic.v3.v3_1 import OpenAPI

    return OpenAPI


def schema_3_1() -> type[v3_1.Schema]:
    _load_alone("openapi_pydantic.v3.v3_1")
    from openapi_pydantic.v3.v3_1 import Schema

    return Schema


def operation_3_1() -> type[v3_1.Operation]:
    _load_alone("openapi_pydantic.v3.v3_1")
    from openapi_pydantic.v3.v3_1 import Operation

    return Operation


def _load_alone(name: str) -> None:
    """Import the models module ``name`` without running its parent packages' ``__init__``."""
    if name in sys.modules:
        return
    stand_ins: list[str] = []
    plugins_setting = os.environ.get(_NO_PLUGINS)
    if plugins_setting is None:
        os.environ[_NO_PLUGINS] = "__all__"
    try:
        for parent in _PARENTS:
            if parent in sys.modules:
                continue
            found = importlib.util.find_spec(parent)
            if found is None:  # not installed: let the import below say so
                break
            # a module made from the spec, never executed: a namespace with the package's path
            sys.modules[parent] = importlib.util.module_from_spec(found)
            stand_ins.append(parent)
        importlib.import_module(name)
    finally:
        for parent in stand_ins:
            del sys.modules[parent]
        if plugins_setting is None:
            del os.environ[_NO_PLUGINS]
