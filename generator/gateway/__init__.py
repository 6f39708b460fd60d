"""The credential-injecting gateway: an ASGI app over the same IR as the generated client.

Needs the ``gateway`` extra (starlette, uvicorn, redis). ``create_app(GatewaySettings(...))``
gives the app; ``python -m generator gateway`` serves it with uvicorn.
"""

from generator.gateway.app import create_app
from generator.gateway.forms import Problem
from generator.gateway.settings import GatewaySettings, RateLimit, Tokens
from generator.gateway.validate import validate

__all__ = ["GatewaySettings", "Problem", "RateLimit", "Tokens", "create_app", "validate"]
