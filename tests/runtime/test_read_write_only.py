"""readOnly and writeOnly properties: a request leaves out what the server sets, a response what
it takes but never returns; checked in the IR, by mypy --strict, and over real HTTP."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.inline_specs import api_of
from support.packages import generate_package
from support.paths import ROOT
from support.recording_server import Recorder, Reply

USER = {
    "type": "object",
    "required": ["id", "name", "password"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
        # marked through a $ref sibling and through an allOf member
        "created": {"$ref": "#/components/schemas/Stamp", "readOnly": True},
        "secret": {"allOf": [{"$ref": "#/components/schemas/Stamp"}, {"writeOnly": True}]},
        "team": {"$ref": "#/components/schemas/Team"},
    },
}
TEAM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "label": {"type": "string"},
    },
}
STAMP = {"type": "integer"}
_JSON = "application/json"
PATHS: dict[str, Any] = {
    "/users": {
        "post": {
            "operationId": "create_user",
            "requestBody": {"required": True, "content": {_JSON: {"schema": {"$ref": "#/components/schemas/User"}}}},
            "responses": {"201": {"description": "made", "content": {_JSON: {"schema": {"$ref": "#/components/schemas/User"}}}}},
        }
    },
    "/teams": {
        "put": {
            "operationId": "put_teams",
            "requestBody": {"content": {_JSON: {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Team"}}}}},
            "responses": {"204": {"description": "done"}},
        }
    },
}  # fmt: skip
SCHEMAS = {"User": USER, "Team": TEAM, "Stamp": STAMP}


def test_each_side_has_only_its_own_properties_and_requirements() -> None:
    api = api_of(PATHS, SCHEMAS)
    user = next(m for m in api.models if m.name == "User")
    assert [(f.wire_name, f.required) for f in user.fields] == [
        ("id", True),
        ("name", True),
        ("created", False),
        ("team", False),
    ]
    team = next(m for m in api.models if m.name == "Team")
    assert [f.wire_name for f in team.fields] == ["id", "label"]
    create = next(op for op in api.operations if op.py_name == "create_user")
    assert [(p.wire_name, p.required) for p in create.parameters] == [
        ("name", True),
        ("password", True),
        ("secret", False),
        ("team", False),
    ]
    # the request shape of a component is its own TypedDict, <Name>Params
    team_params = next(t for t in api.params_types if t.name == "TeamParams")
    assert [f.wire_name for f in team_params.fields] == ["label"]


@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("users")
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Users API", "version": "1"},
        "servers": [{"url": "https://users.example.com"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
    yield generate_package(spec, out, "users_rw")
    sys.path.remove(str(out))


def test_requests_leave_out_read_only_and_responses_write_only_over_http(
    users: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    response = {
        "id": "u1",
        "name": "Ann",
        "created": 7,
        "password": "leaked?",
        "secret": 3,
    }
    recorder.replies += [Reply(201, response), Reply(204, b"")]
    with users.UsersClient(base_url=url, max_retries=0) as client:
        user = client.create_user(name="Ann", password="pw", team={"label": "core"})
        client.put_teams(body=[{"label": "a"}])
    sent = [json.loads(r.body) for r in recorder.requests]
    assert sent == [
        {"name": "Ann", "password": "pw", "team": {"label": "core"}},
        [{"label": "a"}],
    ]
    assert (user.id, user.name, user.created) == ("u1", "Ann", 7)
    assert not hasattr(users.User, "password") and "password" not in users.User.model_fields
    team_params = importlib.import_module("users_rw.params.team").TeamParams
    assert list(team_params.__annotations__) == ["label"]


@pytest.mark.slow
def test_mypy_strict_rejects_a_read_only_field_in_a_request(
    users: ModuleType, tmp_path: Path
) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        "from users_rw import UsersClient\n"
        "def f(c: UsersClient) -> str:\n"
        "    return c.create_user(name='a', password='b', team={'label': 'x'}).id\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from users_rw import UsersClient\n"
        "def f(c: UsersClient) -> None:\n"
        "    c.create_user(id='u1', name='a', password='b')\n"
        "    c.put_teams(body=[{'id': 3, 'label': 'a'}])\n"
        "def g(c: UsersClient) -> None:\n"
        "    print(c.create_user(name='a', password='b').password)\n"
    )
    root = Path(users.__file__).parent

    def mypy(usage: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                str(root),
                str(usage),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"MYPYPATH": str(root.parent), "PATH": ""},
        )

    assert mypy(good).returncode == 0, mypy(good).stdout
    result = mypy(bad)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if "bad.py" in line and "error" in line]
    assert len(errors) == 3, result.stdout
    assert 'Unexpected keyword argument "id"' in errors[0]
    assert '"id"' in errors[1] and "TeamParams" in errors[1]
    assert '"password"' in errors[2]
