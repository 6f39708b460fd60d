"""Pages of a list operation, whatever way the API pages: iterate one and get every item.

A generated operation that pages carries a ``Paging`` (what the generator read from the spec);
its call returns a ``SyncPage`` (``AsyncPage`` on the async client) holding the first page:
``page.data`` (its items), ``page.body`` (the whole response), ``has_next_page()``,
``next_page()``, ``iter_pages()``, and iteration over every item of every page.

The next page repeats the first call, arguments and headers included, with one argument
changed (a cursor, an offset, a page number), or follows a next-page URL the server gave: only
on the origin the first call went to, since the call carries credentials. A server that sends
the same cursor or URL twice, or the same page again, raises ``PaginationError`` instead of
looping.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any, Generic, TypeVar

import httpx

from ._errors import ClientError

T = TypeVar("T")
Path = tuple[str, ...]
# The call again: (arguments, a next-page URL or None) -> the next page (awaitable, async).
Fetch = Callable[[Mapping[str, Any], "str | None"], Any]


class PaginationError(ClientError):
    """The server's paging cannot be followed: a cursor or URL it already sent (it would loop
    forever) or a next-page URL on another origin (the call's credentials would go there).
    """


@dataclass(frozen=True, slots=True)
class Paging:
    """How an operation pages (see the generator's ``ir.Pagination`` for the styles)."""

    style: str
    items: Path = ()
    param: str = ""
    next: Path = ()
    header: str = ""
    has_more: Path = ()
    limit: str = ""
    total: Path = ()
    start: int = 1  # the first page's number (page style)


def field(value: Any, key: str) -> Any:
    """``key`` (a wire name) of a JSON object or of a model read from one."""
    if isinstance(value, Mapping):
        return value.get(key)
    fields = getattr(type(value), "model_fields", None)
    if fields is None:
        return None
    if key in fields:
        return getattr(value, key)
    for name, info in fields.items():
        if info.alias == key:
            return getattr(value, name)
    extra = getattr(value, "model_extra", None)
    return extra.get(key) if extra else None


def at(value: Any, path: Path) -> Any:
    for key in path:
        if value is None:
            return None
        value = field(value, key)
    return value


_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_NEXT_REL = re.compile(r'(?:^|;)\s*rel\s*=\s*"?([^";]*)"?', re.IGNORECASE)


def link_next(header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 ``Link`` header (relation types ignore case and
    may be listed several in one ``rel``)."""
    for target, params in _LINK.findall(header or ""):
        rel = _NEXT_REL.search(params)
        if rel and "next" in rel.group(1).lower().split():
            return str(target)
    return None


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


class _Page(Generic[T]):
    __slots__ = (
        "_args",
        "_fetch",
        "_first_size",
        "_paging",
        "_seen",
        "body",
        "data",
        "http_response",
    )

    def __init__(
        self,
        paging: Paging,
        body: Any,
        response: httpx.Response,
        args: Mapping[str, Any],
        fetch: Fetch,
        seen: set[Any] | None = None,
        first_size: int | None = None,
    ) -> None:
        self.body = body
        """The whole response, as the operation's model."""
        self.http_response = response
        items = at(body, paging.items)
        self.data: list[T] = list(items) if isinstance(items, list) else []
        """This page's items."""
        self._paging = paging
        self._args = args
        self._fetch = fetch
        self._seen = seen if seen is not None else set()
        self._first_size = len(self.data) if first_size is None else first_size

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self.data)} items, next: {self.has_next_page()}>"

    def has_next_page(self) -> bool:
        return self._next() is not None

    def _next(self) -> tuple[Mapping[str, Any], str | None] | None:
        """(arguments, URL or None) of the call for the next page; None after the last page."""
        p, body = self._paging, self.body
        if p.has_more and at(body, p.has_more) is False:
            return None
        style = p.style
        if style in ("link", "next_url", "header_url"):
            if style == "next_url":
                url = at(body, p.next)
            else:
                header = self.http_response.headers.get(p.header or "link")
                url = link_next(header) if style == "link" else header
            if not isinstance(url, str) or not url:
                return None
            return self._args, url
        if style in ("cursor", "item_cursor", "header_cursor"):
            if style == "cursor":
                cursor = at(body, p.next)
            elif style == "header_cursor":
                cursor = self.http_response.headers.get(p.header)
            else:
                cursor = at(self.data[-1], p.next) if self.data else None
            if cursor is None or cursor == "":
                return None
            return {**self._args, p.param: cursor}, None
        return self._numbered()

    def _numbered(self) -> tuple[Mapping[str, Any], str | None] | None:
        """offset and page styles: stop on an empty or short page, or at the total."""
        p, count = self._paging, len(self.data)
        if count == 0:
            return None
        size = self._args.get(p.limit) if p.limit else None
        expected = size if isinstance(size, int) and size > 0 else self._first_size
        if count < expected:
            return None
        current = self._args.get(p.param)
        total = at(self.body, p.total) if p.total else None
        if p.style == "offset":
            after = (current if isinstance(current, int) else 0) + count
            if isinstance(total, int | float) and after >= total:
                return None
        else:
            after = (current if isinstance(current, int) else p.start) + 1
            if isinstance(total, int | float) and after > total - (1 - p.start):
                return None
        return {**self._args, p.param: after}, None

    def _request(self) -> tuple[Mapping[str, Any], str | None]:
        found = self._next()
        if found is None:
            raise PaginationError("there is no next page (check has_next_page() first)")
        args, url = found
        if url is not None:
            current = self.http_response.request.url
            target = current.join(url)
            if not same_origin(target, current):
                raise PaginationError(
                    f"the next page is on {target.scheme}://{target.host}, not this API's "
                    f"origin {current.scheme}://{current.host}: not followed (the call's "
                    "credentials would go there)"
                )
            url = str(target)
        key = url if url is not None else repr(args.get(self._paging.param))
        if self._paging.style not in ("offset", "page"):
            if key in self._seen:
                raise PaginationError(
                    f"the server sent the same next page ({key}) twice: stopped instead of looping"
                )
            self._seen.add(key)
        return args, url

    def _check_progress(self, page: _Page[T]) -> None:
        """A numbered page equal to the one before: the server ignores the page parameter."""
        if self._paging.style in ("offset", "page") and page.data and page.data == self.data:
            raise PaginationError(
                "the next page repeats this one: the server ignores "
                f"{self._paging.param!r}; stopped instead of looping"
            )

    def _adopt(self, page: _Page[T]) -> None:
        page._seen = self._seen
        page._first_size = self._first_size


class SyncPage(_Page[T]):
    """One page of a list; iterating it walks every item of it and of the pages after it."""

    __slots__ = ()

    def next_page(self) -> SyncPage[T]:
        """The page after this one (``has_next_page()`` says whether there is one)."""
        args, url = self._request()
        page: SyncPage[T] = self._fetch(args, url)
        self._adopt(page)
        self._check_progress(page)
        return page

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page and every page after it, fetched as needed."""
        page = self
        yield page
        while page.has_next_page():
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        # chain hands out the items in C: a generator here resumed a Python frame per item
        return chain.from_iterable(page.data for page in self.iter_pages())


class AsyncPage(_Page[T]):
    """One page of a list (async client); ``async for`` walks every item of every page."""

    __slots__ = ()

    async def next_page(self) -> AsyncPage[T]:
        """The page after this one (``has_next_page()`` says whether there is one)."""
        args, url = self._request()
        fetched: Awaitable[AsyncPage[T]] = self._fetch(args, url)
        page = await fetched
        self._adopt(page)
        self._check_progress(page)
        return page

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.next_page()
            yield page

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()
