"""The credential-injecting gateway: an ASGI app over the same IR as the generated client.

Needs the ``gateway`` extra (starlette, httptools, uvloop, redis). ``create_app(GatewaySettings(...))``
gives the app; ``python -m generator gateway`` serves it (``gateway.server``). ``create_app`` is
imported on first use, so the validator and the form decoder (``generator.gateway.validate``,
``generator.gateway.forms``) import without Starlette: the explorer's preview uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.gateway.forms import Problem
from generator.gateway.settings import GatewaySettings, RateLimit, Tokens
from generator.gateway.validate import validate

if TYPE_CHECKING:
    from generator.gateway.app import create_app

__all__ = ["GatewaySettings", "Problem", "RateLimit", "Tokens", "create_app", "validate"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from generator.gateway.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
