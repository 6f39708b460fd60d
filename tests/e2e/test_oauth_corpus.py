"""A whole generated client of a corpus API running its OAuth2 grant against the local token
server: Airflow's password flow (``tokenUrl: /auth/token``, relative to the server), one token
for concurrent calls, a new one after a 401."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import pytest
from support.packages import generate_package
from support.paths import SHARED
from support.token_server import PASSWORD, USERNAME, TokenServer, token_server

SPEC = SHARED / "specs" / "corpus" / "airflow-rest-api-v2.yaml"


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    if not SPEC.is_file():
        pytest.skip(f"the corpus is not there ({SPEC})")
    return generate_package(SPEC, tmp_path_factory.mktemp("airflow"), "airflow_oauth")


@pytest.fixture
def server() -> Iterator[TokenServer]:
    with token_server(delay=0.1) as running:
        yield running


@pytest.mark.slow
def test_airflow_password_grant(airflow: ModuleType, server: TokenServer) -> None:
    client = airflow.AirflowClient(
        base_url=server.url, username=USERNAME, password=PASSWORD, max_retries=0
    )
    with client, ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda _: client.get_dags(limit=5), range(20)))
        assert len(server.token_requests) == 1
        request = server.token_requests[0]
        assert request.path == "/auth/token"
        assert request.form == {"grant_type": "password", "username": USERNAME,
                                "password": PASSWORD}  # fmt: skip
        assert {r.authorization for r in server.api_requests} == {"Bearer at_0001"}
        assert all(r.path.startswith("/api/v2/dags?") for r in server.api_requests)
        server.revoke()
        client.get_dags()
    assert [r.authorization for r in server.api_requests[-2:]] == [
        "Bearer at_0001",
        "Bearer at_0002",
    ]
