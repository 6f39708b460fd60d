"""Import a generated package whole in a fresh interpreter: ``python corpus_check.py ROOT PACKAGE``.

Imports every module, builds every model (see ``generated_check.build_everything``) and prints
one JSON line: ``{"modules": N, "methods": [...], "async_methods": [...], "problems": [...]}``,
where the methods are the public operation methods the two client classes define themselves.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys

from generated_check import build_everything, client_class


def main(root: str, name: str) -> int:
    sys.setrecursionlimit(6000)
    sys.path.insert(0, root)
    package = importlib.import_module(name)
    modules = [package]
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        modules.append(importlib.import_module(info.name))
    problems = build_everything(package, modules)
    sync_class = getattr(importlib.import_module(name + "._client"), client_class(package))
    async_module = importlib.import_module(name + "._async_client")
    base = importlib.import_module(name + "._base_client").AsyncBaseClient
    (async_class,) = [
        v
        for v in vars(async_module).values()
        if inspect.isclass(v) and issubclass(v, base) and v.__module__ == async_module.__name__
    ]
    methods = sorted(n for n, v in vars(sync_class).items() if _public(n, v))
    async_methods = sorted(
        n for n, v in vars(async_class).items() if _public(n, v) and inspect.iscoroutinefunction(v)
    )
    report = {"modules": len(modules), "methods": methods, "async_methods": async_methods}
    print(json.dumps({**report, "problems": problems}))
    return 0


def _public(name: str, value: object) -> bool:
    return not name.startswith("_") and inspect.isfunction(value)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
