"""The browser explorer the gateway serves under ``/_gateway/``: pages rendered from the IR.

``explorer_routes(api, settings)`` gives the routes, relative to where the gateway mounts them:
``/`` (index of operations), ``/operations/{operation_id}`` (one page each), ``/assets/{name}``
(one CSS and one JavaScript file, and an icon) and ``POST /preview/{operation_id}`` (the request
and the Python snippet for a form's values; nothing is sent upstream). Every response carries a
``Content-Security-Policy`` that allows nothing but the gateway itself, and the pages hold no
inline script or style, so spec text that slipped past the sanitiser still could not run.

Needs the ``gateway`` extra (Starlette); the sanitiser and the form model do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from generator.gateway.settings import GatewaySettings
    from generator.ir import Api

__all__ = ["explorer_routes"]


def explorer_routes(api: Api, settings: GatewaySettings) -> list[BaseRoute]:
    from generator.explorer.app import routes

    return routes(api, settings)
