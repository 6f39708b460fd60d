"""Pages of list and search results that fetch the pages after them on demand.

A list response (``object: "list"``) continues with ``starting_after=<last id>`` while
``has_more`` is true; a search response (``object: "search_result"``) continues with
``page=<next_page>``. The page remembers the call that produced it to make the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping
from typing import Any

from pydantic import PrivateAttr

from ._models import BaseObject

# Repeats the call that produced a page with changed arguments; returns the next page (or an
# awaitable of it, for the async client).
Refetch = Callable[[Mapping[str, Any]], Any]


class Page(BaseObject):
    _refetch: Refetch | None = PrivateAttr(default=None)
    _args: Mapping[str, Any] = PrivateAttr(default_factory=dict)
    _accepts: Collection[str] | None = PrivateAttr(default=None)

    def bind(
        self,
        refetch: Refetch,
        args: Mapping[str, Any],
        accepts: Collection[str] | None = None,
    ) -> None:
        """``accepts``: the arguments the operation sends (None: any); a page continues only
        by one of them, so a list that does not take ``starting_after`` is one page."""
        self._refetch = refetch
        self._args = args
        self._accepts = accepts

    def _continue(self, args: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
        return None if self._accepts is not None and key not in self._accepts else args

    def _items(self) -> list[Any]:
        data = getattr(self, "data", None)
        return list(data) if isinstance(data, list) else []

    def next_page_args(self) -> Mapping[str, Any] | None:
        """Arguments for the page after this one, or None on the last page."""
        raise NotImplementedError

    def auto_paging_iter(self) -> Iterator[Any]:
        """Every item of this page and of the pages after it (sync client)."""
        page: Page | None = self
        while page is not None:
            yield from page._items()
            page = page._fetch_next()

    async def _aiter(self) -> AsyncIterator[Any]:
        page: Page | None = self
        while page is not None:
            for item in page._items():
                yield item
            args = page.next_page_args()
            if args is None or page._refetch is None:
                return
            page = await page._refetch(args)

    def __aiter__(self) -> AsyncIterator[Any]:
        """``async for item in page``: every item of this page and the ones after (async client)."""
        return self._aiter()

    def _fetch_next(self) -> Page | None:
        args = self.next_page_args()
        if args is None or self._refetch is None:
            return None
        page: Page = self._refetch(args)
        return page


class ListObject(Page):
    def next_page_args(self) -> Mapping[str, Any] | None:
        items = self._items()
        if not getattr(self, "has_more", False) or not items:
            return None
        backwards = self._args.get("ending_before") is not None
        edge = items[0] if backwards else items[-1]
        edge_id = edge.get("id") if isinstance(edge, dict) else getattr(edge, "id", None)
        if edge_id is None:
            return None
        key = "ending_before" if backwards else "starting_after"
        return self._continue({**self._args, key: edge_id}, key)


class SearchResult(Page):
    def next_page_args(self) -> Mapping[str, Any] | None:
        token = getattr(self, "next_page", None)
        if not getattr(self, "has_more", False) or not token:
            return None
        return self._continue({**self._args, "page": token}, "page")
