"""Paging of real specs from ../shared/specs/corpus, against a local server on 127.0.0.1 that
responses like the API: Mastodon's Link header (``max_id``), Figma's and DigitalOcean's next
URLs in the body (``pagination.next_page``, ``links.pages.next``). One operation per spec is
generated; loading the big specs still takes seconds, so the tests are marked slow."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.corpus import CORPUS_DIR
from support.packages import generate_package
from support.recording_server import Reply, recording_server


def _generate(tmp: Path, spec: str, package: str, operation: str) -> ModuleType:
    path = CORPUS_DIR / spec
    if not path.is_file():
        pytest.skip(f"{path} is absent: the corpus sits beside the clone only in CI")
    return generate_package(path, tmp, package, "--operation", operation)


def _client(pkg: ModuleType, url: str) -> Any:
    cls = next(getattr(pkg, n) for n in pkg.__all__ if n.endswith("Client") and "Async" not in n)
    return cls(base_url=url, max_retries=0)


@pytest.mark.slow  # generating from a large spec
def test_mastodon_timeline_follows_the_link_header(tmp_path: Path) -> None:
    pkg = _generate(tmp_path, "mastodon.json", "mastodon_paging", "getTimelineHome")
    with recording_server() as (url, recorder):
        home = f"{url}/api/v1/timelines/home"
        recorder.replies += [
            Reply(200, [{"id": "9"}, {"id": "8"}], {"Link": f'<{home}?limit=2&max_id=8>; rel="next", <{home}?min_id=9>; rel="prev"'}),
            Reply(200, [{"id": "7"}, {"id": "6"}], {"Link": f'<{home}?limit=2&max_id=6>; rel="next"'}),
            Reply(200, [{"id": "5"}], {"Link": f'<{home}?min_id=5>; rel="prev"'}),
        ]  # fmt: skip
        with _client(pkg, url) as client:
            ids = [status.id for status in client.get_timeline_home(limit=2)]
    assert ids == ["9", "8", "7", "6", "5"]
    assert [r.path for r in recorder.requests] == [
        "/api/v1/timelines/home?limit=2",
        "/api/v1/timelines/home?limit=2&max_id=8",
        "/api/v1/timelines/home?limit=2&max_id=6",
    ]
    assert all(r.headers.get("authorization") is None for r in recorder.requests)


@pytest.mark.slow  # generating from a large spec
def test_figma_versions_follow_the_next_page_url_in_the_body(tmp_path: Path) -> None:
    pkg = _generate(tmp_path, "figma.yaml", "figma_paging", "getFileVersions")
    with recording_server() as (url, recorder):
        base = f"{url}/v1/files/k1/versions"
        recorder.replies += [
            Reply(200, {"versions": [{"id": "v1"}], "pagination": {"next_page": f"{base}?page_size=1&before=1"}}),
            Reply(200, {"versions": [{"id": "v2"}], "pagination": {"next_page": f"{base}?page_size=1&before=2"}}),
            Reply(200, {"versions": [{"id": "v3"}], "pagination": {}}),
        ]  # fmt: skip
        with _client(pkg, url) as client:
            page = client.get_file_versions(file_key="k1", page_size=1)
            assert [v.id for v in page.data] == ["v1"] and page.has_next_page()
            ids = [v.id for v in page]
    assert ids == ["v1", "v2", "v3"]
    assert [r.path for r in recorder.requests][1:] == [
        "/v1/files/k1/versions?page_size=1&before=1",
        "/v1/files/k1/versions?page_size=1&before=2",
    ]


@pytest.mark.slow  # generating from a large spec
def test_digitalocean_refuses_a_next_url_on_another_host(tmp_path: Path) -> None:
    pkg = _generate(
        tmp_path,
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
        "do_paging",
        "genai_list_agents",
    )
    with recording_server() as (url, recorder):
        recorder.replies += [
            Reply(200, {"agents": [{"uuid": "a"}], "links": {"pages": {"next": f"{url}/v2/gen-ai/agents?page=2"}}}),
            Reply(200, {"agents": [{"uuid": "b"}], "links": {"pages": {"next": "https://api.evil.example/v2/gen-ai/agents?page=3"}}}),
        ]  # fmt: skip
        with _client(pkg, url) as client:
            seen: list[str] = []
            with pytest.raises(Exception, match=r"api\.evil\.example") as info:
                for agent in client.genai_list_agents():
                    seen.append(agent.uuid)
    assert seen == ["a", "b"]
    assert type(info.value).__name__ == "PaginationError"
    assert len(recorder.requests) == 2
