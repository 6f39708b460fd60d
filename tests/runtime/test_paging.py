"""Every paging style walks three pages served over real HTTP on 127.0.0.1: each item once,
sync and async, with the first call's filter and headers on every request; a next URL to
another host is refused; a repeated cursor or a page that repeats stops with an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.paging_server import PAGES, SPEC, STYLES, PagingState, paging_server

ALL_IDS = [i for page in PAGES for i in page]
# The first call's arguments per style: the filter, plus a page size where the style has one.
FIRST_ARGS: dict[str, dict[str, Any]] = {
    "cursor": {"limit": 2},
    "openai": {"limit": 2},
    "offset": {"limit": 2},
    "page": {"per_page": 2},
}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(SPEC, tmp_path_factory.mktemp("paging"), "paging_demo")


@pytest.fixture
def server() -> Iterator[PagingState]:
    with paging_server() as state:
        yield state


def _color(seen: Any) -> str | None:
    return seen.body.get("color") if seen.path == "/search" else seen.query.get("color")


@pytest.mark.parametrize("style", sorted(STYLES))
def test_sync_iteration_yields_every_item_once_with_the_filter(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    with pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client:
        call = getattr(client, STYLES[style])
        page = call(
            color="blue",
            **FIRST_ARGS.get(style, {}),
            request_options={"extra_headers": {"X-Trace": "t-1"}},
        )
        assert [item.id for item in page] == ALL_IDS
    assert len(server.requests) == 3
    assert all(_color(r) == "blue" for r in server.requests)
    assert all(r.headers.get("x-trace") == "t-1" for r in server.requests)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_async_iteration_yields_every_item_once_with_the_filter(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    async def walk() -> list[str]:
        async with pkg.AsyncPagingDemoClient(base_url=server.base, max_retries=0) as client:
            page = await getattr(client, STYLES[style])(color="red", **FIRST_ARGS.get(style, {}))
            return [item.id async for item in page]

    assert asyncio.run(walk()) == ALL_IDS
    assert len(server.requests) == 3
    assert all(_color(r) == "red" for r in server.requests)


def test_a_page_exposes_its_data_and_the_pages_after_it(
    pkg: ModuleType, server: PagingState
) -> None:
    with pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client:
        first = client.list_cursor(color="blue")
        assert [i.id for i in first.data] == PAGES[0]
        assert first.body.next_cursor == "t1"
        assert first.has_next_page()
        second = first.next_page()
        assert [i.id for i in second.data] == PAGES[1]
        assert len(server.requests) == 2
        pages = list(client.list_cursor(color="blue").iter_pages())
        assert [[i.id for i in p.data] for p in pages] == PAGES
        assert not pages[-1].has_next_page()
        with pytest.raises(pkg.PagingDemoError, match="no next page"):
            pages[-1].next_page()


def test_openai_shaped_list_pages_by_after_not_starting_after(
    pkg: ModuleType, server: PagingState
) -> None:
    with pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client:
        assert [i.id for i in client.list_openai(limit=2)] == ALL_IDS
    assert [r.query.get("after") for r in server.requests] == [None, "2", "4"]
    assert all("starting_after" not in r.query for r in server.requests)


@pytest.mark.parametrize("style", ["next_url", "header_url", "link"])
def test_a_next_url_on_another_host_is_refused(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    server.foreign = True
    with pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client:
        page = getattr(client, STYLES[style])(color="blue")
        with pytest.raises(pkg.PaginationError, match=r"elsewhere\.invalid"):
            list(page)
    assert len(server.requests) == 1


@pytest.mark.parametrize("style", ["cursor", "header_cursor", "link", "body_cursor"])
def test_a_repeated_cursor_stops_with_an_error(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    server.stuck = True
    with pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client:
        page = getattr(client, STYLES[style])(color="blue")
        with pytest.raises(pkg.PaginationError, match="twice"):
            list(page)
    assert len(server.requests) == 2


def test_a_server_that_ignores_the_page_number_stops_with_an_error(
    pkg: ModuleType, server: PagingState
) -> None:
    server.ignore_page = True
    with (
        pkg.PagingDemoClient(base_url=server.base, max_retries=0) as client,
        pytest.raises(pkg.PagingDemoError, match="repeats"),
    ):
        list(client.list_page(per_page=2))
    assert len(server.requests) == 2


USAGE = """
from paging_demo import AsyncPagingDemoClient, PagingDemoClient, Item


def first_ids(client: PagingDemoClient) -> list[str]:
    page = client.list_cursor(color="blue")
    item: Item = page.data[0]
    more: bool = page.has_next_page()
    return [item.id, *[i.id for i in page], *[i.id for p in page.iter_pages() for i in p.data]]


async def async_ids(client: AsyncPagingDemoClient) -> list[str]:
    page = await client.list_offset(limit=2)
    return [i.id async for i in page] + [i.id for i in (await page.next_page()).data]


def wrong(client: PagingDemoClient) -> int:
    return next(iter(client.list_page()))
"""


@pytest.mark.slow
def test_pages_are_typed_by_their_items_under_mypy_strict(pkg: ModuleType) -> None:
    import subprocess
    import sys
    from pathlib import Path

    out = Path(pkg.__file__).parent.parent
    (out / "uses_pages.py").write_text(USAGE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "paging_demo", "uses_pages.py"],
        cwd=out, capture_output=True, text=True,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout
    assert "uses_pages.py:18" in errors[0] and '"Item"' in errors[0] and '"int"' in errors[0]


def test_the_try_it_cli_prints_every_item_with_all_and_the_docs_say_it_pages(
    pkg: ModuleType, server: PagingState
) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(pkg.__file__).parent
    command = [sys.executable, "-m", "paging_demo", "list-cursor", "--color", "blue"]
    command += ["--base-url", server.base]
    every = subprocess.run([*command, "--all"], cwd=root.parent, capture_output=True, text=True)
    assert every.returncode == 0, every.stderr
    assert [json.loads(line)["id"] for line in every.stdout.splitlines()] == ALL_IDS
    first = subprocess.run(command, cwd=root.parent, capture_output=True, text=True)
    assert json.loads(first.stdout)["next_cursor"] == "t1"  # the first response, whole
    helped = subprocess.run([*command, "--help"], cwd=root.parent, capture_output=True, text=True)
    assert "--all" in helped.stdout and "cursor paging" in helped.stdout
    page = (root / "docs" / "operations" / "list_cursor.md").read_text(encoding="utf-8")
    assert "`--all`" in page and "`next_cursor`" in page and "`.next_page()`" in page
