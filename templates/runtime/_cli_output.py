"""What the try-it command line prints: a response as JSON, bytes as they are, every item of
every page (``--all``) or of a stream as JSON lines, each printed as it arrives; the request a dry
run would send, secrets masked; an error in one line."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._pagination import Page
from ._paging import SyncPage
from ._request import request_kwargs
from ._streaming import ServerSentEvent, Stream

_MASK = "****"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, ServerSentEvent):
        return {"event": value.event, "data": value.data, "id": value.id}
    return value


def _lines(items: Iterable[Any]) -> None:
    for item in items:
        sys.stdout.write(json.dumps(_plain(item), ensure_ascii=False) + "\n")
        sys.stdout.flush()


def print_result(result: Any, every: bool = False) -> None:
    """``every``: a page's items and those of the pages after it (else the first page whole)."""
    if result is None:
        return
    if isinstance(result, bytes):
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
        return
    if isinstance(result, Stream):
        with result:
            _lines(result)
        return
    if every and isinstance(result, SyncPage | Page):
        _lines(result if isinstance(result, SyncPage) else result.auto_paging_iter())
        return
    if isinstance(result, SyncPage):
        result = result.body
    sys.stdout.write(json.dumps(_plain(result), indent=2, ensure_ascii=False) + "\n")


def describe_request(
    client: Any, descriptor: Any, args: Mapping[str, Any], credential_envs: Sequence[str]
) -> str:
    """The request the call would send, secrets masked; nothing is sent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        prepared = client._prepare(descriptor, args, None)
    kwargs = request_kwargs(prepared)
    request = client._http.build_request(prepared.method, prepared.url, **kwargs)
    client.close()
    secrets = [os.environ.get(env, "") for env in credential_envs]
    secrets = [s for s in secrets if len(s) >= 4]  # shorter ones would mask everything
    lines = [f"{request.method} {_mask(str(request.url), secrets)}"]
    for (
        raw_name,
        raw_value,
    ) in request.headers.raw:  # as sent, in their own spelling
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        if name.lower() in _SECRET_HEADERS or _mask(value, secrets) != value:
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {_MASK}" if rest else _MASK
        lines.append(f"{name}: {value}")
    body = request.read()
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = f"<{len(body)} bytes>"
        lines += ["", _mask(text, secrets)]
    return "\n".join(lines) + "\n"


def _mask(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _MASK)
    return text


def one_line(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


def error_line(exc: Any) -> str:
    """``HTTP 400 BadRequestError: message (param p, code c, request id r)``."""
    status = getattr(exc, "status_code", None)
    headline = f"{type(exc).__name__}: {one_line(str(exc))}"
    if status is None:
        return headline + " (no response from the server)"
    details = []
    if getattr(exc, "param", None):
        details.append(f"param {exc.param}")
    if getattr(exc, "code", None):
        details.append(f"code {exc.code}")
    details.append(f"request id {getattr(exc, 'request_id', None) or '-'}")
    return f"HTTP {status} {headline} ({', '.join(details)})"
