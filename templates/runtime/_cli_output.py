"""What the try-it command line prints for a response: JSON, bytes as they are, every item of
every page (``--all``) or of a stream as JSON lines, each printed as it arrives."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from ._pagination import Page
from ._paging import SyncPage
from ._streaming import ServerSentEvent, Stream


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
