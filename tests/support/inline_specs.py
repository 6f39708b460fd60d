"""Small inline specs built into an IR, for tests of the builder and of what reads the IR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.config import make_profile
from generator.ir import Api
from generator.load import Document
from generator.lower import BuildInput, build_api
from generator.parse import Spec, parse_document


def valid_spec(data: dict[str, Any], file: str = "s.yaml") -> Spec:
    """``data`` validated as ``generate`` validates a loaded file (repairs and warnings too):
    the only way to a ``Spec`` the builder takes."""
    return parse_document(Document(path=Path(file), data=data, sha256=""))


def api_of(
    paths: dict[str, Any], schemas: dict[str, Any] | None = None, ops: tuple[str, ...] = ()
) -> Api:
    data = {
        "openapi": "3.0.0",
        "info": {"title": "Demo API", "version": "7"},
        "servers": [{"url": "https://api.example.com/"}],
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }
    return build_api(BuildInput(valid_spec(data), "spec/s.yaml", make_profile({}, "Demo API"), ops))


def form_op(
    properties: dict[str, Any], required: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "PostThings",
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": properties,
                            "required": required or [],
                        }
                    }
                },
            },
            "responses": {"200": {"description": "ok"}},
            **extra,
        }
    }
