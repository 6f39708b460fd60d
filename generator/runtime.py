"""The runtime files every generated package carries, loaded by the generator itself.

``templates/runtime/*.py`` are copied verbatim into generated packages, where they import each
other relatively. Modules among them that need nothing but the standard library (the snippet
builder) are loaded here by path, so the generator and the package run the very same code.
"""

from __future__ import annotations

import sys
from functools import cache
from types import ModuleType


@cache
def load(name: str) -> ModuleType:
    """``templates/runtime/<name>.py`` as a module (``generator._runtime.<name>``)."""
    from generator.render import templates_root  # render uses this module: imported late

    path = templates_root() / "runtime" / f"{name}.py"
    module = ModuleType(f"generator._runtime.{name}")
    module.__file__ = str(path)
    # registered before running it: dataclasses and typing look modules up by name
    sys.modules[module.__name__] = module
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module
