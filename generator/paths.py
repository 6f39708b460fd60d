"""Where the generator finds what it ships beside its code: the templates and the runtime."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def templates_root() -> Traversable:
    """``templates/``, importable as ``generator.templates`` (installed, the wheel maps it there;
    in a checkout ``generator/templates`` is a link to it)."""
    return resources.files("generator.templates")
