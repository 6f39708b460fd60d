"""An API whose key travels in the query string: the next-URL styles follow a URL the server
gave without the key, so the client adds it back (real HTTP on 127.0.0.1), once, and only on
the API's own origin."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.paging_server import PAGES, SPEC, STYLES, PagingState, paging_server

ALL_IDS = [i for page in PAGES for i in page]
NEXT_URL_STYLES = ["link", "next_url", "header_url"]
KEY = "k-secret-1"


def _spec() -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec["info"]["title"] = "Keyed Paging API"
    spec["components"]["securitySchemes"] = {
        "key": {"type": "apiKey", "in": "query", "name": "api_key"}
    }
    spec["security"] = [{"key": []}]
    return spec


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(_spec(), tmp_path_factory.mktemp("keyed"), "keyed_paging")


@pytest.fixture
def server() -> Iterator[PagingState]:
    with paging_server() as state:
        yield state


def test_the_server_next_urls_lack_the_key(pkg: ModuleType, server: PagingState) -> None:
    """The premise: what the server links to has the filter but not the key."""
    with pkg.KeyedPagingClient(api_key=KEY, base_url=server.base, max_retries=0) as client:
        page = client.list_header_url(color="blue")
    next_url = page.http_response.headers["x-next-url"]
    assert "color=blue" in next_url
    assert "api_key" not in next_url


@pytest.mark.parametrize("style", NEXT_URL_STYLES)
def test_every_page_is_sent_with_the_query_key(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    with pkg.KeyedPagingClient(api_key=KEY, base_url=server.base, max_retries=0) as client:
        assert [item.id for item in getattr(client, STYLES[style])(color="blue")] == ALL_IDS
    assert len(server.requests) == 3
    assert [r.query.get("api_key") for r in server.requests] == [KEY] * 3
    assert all(r.query.get("color") == "blue" for r in server.requests)


@pytest.mark.parametrize("style", NEXT_URL_STYLES)
def test_every_page_is_sent_with_the_query_key_async(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    async def walk() -> list[str]:
        async with pkg.AsyncKeyedPagingClient(
            api_key=KEY, base_url=server.base, max_retries=0
        ) as client:
            page = await getattr(client, STYLES[style])(color="red")
            return [item.id async for item in page]

    assert asyncio.run(walk()) == ALL_IDS
    assert [r.query.get("api_key") for r in server.requests] == [KEY] * 3


def test_a_next_url_that_carries_the_key_is_not_given_it_twice(
    pkg: ModuleType, server: PagingState
) -> None:
    server.echo_query = ("api_key",)
    with pkg.KeyedPagingClient(api_key=KEY, base_url=server.base, max_retries=0) as client:
        assert [item.id for item in client.list_next_url(color="blue")] == ALL_IDS
    assert [r.raw_query.count("api_key=") for r in server.requests] == [1, 1, 1]


@pytest.mark.parametrize("style", NEXT_URL_STYLES)
def test_a_next_url_on_another_host_gets_no_key(
    pkg: ModuleType, server: PagingState, style: str
) -> None:
    server.foreign = True
    with pkg.KeyedPagingClient(api_key=KEY, base_url=server.base, max_retries=0) as client:
        page = getattr(client, STYLES[style])(color="blue")
        with pytest.raises(pkg.PaginationError, match=r"elsewhere\.invalid"):
            list(page)
    assert len(server.requests) == 1
