"""Response types over real HTTP on 127.0.0.1: unions told apart without a discriminator, nullable
``allOf``, and date, date-time and UUID strings read leniently, every payload given back exactly."""

from __future__ import annotations

import logging
import pickle
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.recording_server import Recorder, Reply


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


STRING, INTEGER = {"type": "string"}, {"type": "integer"}
SCHEMAS: dict[str, Any] = {
    "Cat": _obj(["kind", "name"], kind={"type": "string", "enum": ["cat"]}, name=STRING, lives=INTEGER),
    "Dog": _obj(["kind", "name"], kind={"type": "string", "enum": ["dog"]}, name=STRING, good={"type": "boolean"}),
    "Bird": _obj(["name"], name=STRING, wings=INTEGER),
    "Plane": _obj(["name"], name=STRING, engines=INTEGER),
    "Mood": {"type": "string", "enum": ["calm", "wild"]},
    "Problem": {**_obj([], code=STRING), "nullable": True},  # a nullable component (Plaid)
    "Figure": _obj(["type"], type=STRING),
    "Circle": {"allOf": [_ref("Figure"), {"properties": {"radius": {"type": "number"}}}]},
    "Square": _obj(["type"], type=STRING, side={"type": "number"}),
    "Owner": _obj(
        ["pet"],
        pet={"oneOf": [_ref("Cat"), _ref("Dog")]},  # inline, no discriminator
        flyer={"anyOf": [_ref("Bird"), _ref("Plane")], "nullable": True},
        best_friend={"allOf": [_ref("Cat"), {"nullable": True}]},
        mood={"allOf": [_ref("Mood"), {"nullable": True, "description": "how it feels"}]},
        seen_at={"type": "string", "format": "date-time"},
        born_on={"type": "string", "format": "date", "nullable": True},
        tag={"type": "string", "format": "uuid"},
        history={"type": "array", "items": {"type": "string", "format": "date-time"}},
        created={"type": "integer", "format": "unix-time"},
        problem=_ref("Problem"),
    ),
}  # fmt: skip


def _response(schema: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {"responses": {"200": {"description": "ok", "content": content}}}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Zoo API", "version": "1"},
    "paths": {
        "/owner": {"get": {"operationId": "get_owner", **_response(_ref("Owner"))}},
        "/figures": {
            "get": {
                "operationId": "list_figures",
                **_response(
                    {
                        "type": "array",
                        "items": {
                            "oneOf": [_ref("Circle"), _ref("Square")],
                            # Square is implicit: by its schema name
                            "discriminator": {
                                "propertyName": "type",
                                "mapping": {"round": "#/components/schemas/Circle"},
                            },
                        },
                    }
                ),
            }
        },
        "/flyers": {
            "get": {
                "operationId": "list_flyers",
                **_response({"type": "array", "items": {"oneOf": [_ref("Bird"), _ref("Plane")]}}),
            }
        },
    },
    "components": {"schemas": SCHEMAS},
}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("zoo")
    yield generate_package(SPEC, out, "zoo_types")
    sys.path.remove(str(out))


@pytest.fixture
def fetch(
    zoo: ModuleType, server: tuple[str, Recorder], caplog: pytest.LogCaptureFixture
) -> Iterator[Any]:
    """GET one response through the client; the test fails if the parser dropped anything."""
    url, recorder = server

    def call(method: str, payload: Any) -> Any:
        recorder.replies.append(Reply(200, payload))
        with zoo.ZooClient(base_url=url, max_retries=0) as client:
            return getattr(client, method)()

    with caplog.at_level(logging.WARNING, logger="zoo_types"):
        yield call
    assert [r.getMessage() for r in caplog.records if r.name == "zoo_types"] == []


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_annotations_say_nullable_allof_and_lenient_formats(zoo: ModuleType) -> None:
    source = (Path(zoo.__file__).parent / "models" / "owner.py").read_text()
    assert "best_friend: Cat | None" in source
    assert "problem: Problem | None" in source
    assert 'mood: Literal["calm", "wild"] | str | None' in source  # an enum inlines
    assert "seen_at: DateTimeOrStr | None" in source
    assert "born_on: DateOrStr | None" in source
    assert "tag: UUIDOrStr | None" in source
    assert "history: list[DateTimeOrStr] | None" in source
    assert "created: int | None" in source  # unix-time stays an int
    assert "match_by(Cat, Dog)" in source and "match_by(Bird, Plane)" in source


@pytest.mark.parametrize(
    "pet, kind",
    [
        ({"kind": "cat", "name": "Tom", "lives": 9}, "Cat"),
        ({"kind": "dog", "name": "Rex", "good": True}, "Dog"),
        ({"kind": "fish", "name": "Bo"}, "UnknownObject"),  # a const that agrees with neither
        ({"id": 4, "name": "Bo"}, "UnknownObject"),  # required kind missing for both
        ({"kind": "cat", "name": 7}, "UnknownObject"),  # a type that disagrees
        ({"kind": "dog"}, "Dog"),  # named by its constant, though the server left out name
    ],
)
def test_a_union_without_discriminator_takes_the_member_that_fits(
    zoo: ModuleType, fetch: Any, pet: dict[str, Any], kind: str
) -> None:
    owner = fetch("get_owner", {"pet": pet})
    assert type(owner.pet).__name__ == kind
    assert _dump(owner) == {"pet": pet}  # nothing lost, whichever member it is


@pytest.mark.parametrize(
    "flyer, kind",
    [
        ({"name": "x"}, "Bird"),  # fits both, one declared property each: the first declared
        ({"name": "x", "engines": 2}, "Plane"),  # fits both, more of Plane's properties
        ({"name": "x", "wings": "two"}, "Plane"),  # wings disagrees with Bird
        ({"wings": 2}, "UnknownObject"),  # the required name is missing
        (None, "NoneType"),
    ],
)
def test_union_ties_go_by_matched_properties_then_declaration_order(
    fetch: Any, flyer: dict[str, Any] | None, kind: str
) -> None:
    owner = fetch("get_owner", {"pet": {"kind": "cat", "name": "Tom"}, "flyer": flyer})
    assert type(owner.flyer).__name__ == kind
    assert _dump(owner)["flyer"] == flyer


def test_a_top_level_list_of_a_matched_union(fetch: Any) -> None:
    payload = [{"name": "a", "wings": 2}, {"name": "b", "engines": 4}, {"wings": 1}]
    flyers = fetch("list_flyers", payload)
    assert [type(f).__name__ for f in flyers] == ["Bird", "Plane", "UnknownObject"]
    assert [_dump(f) for f in flyers] == payload


def test_a_declared_discriminator_goes_by_its_mapping_then_schema_names(fetch: Any) -> None:
    payload = [{"type": "round", "radius": 1.5}, {"type": "Square", "side": 2}, {"type": "hex"}]
    figures = fetch("list_figures", payload)
    assert [type(f).__name__ for f in figures] == ["Circle", "Square", "UnknownObject"]
    assert [_dump(f) for f in figures] == payload


def test_nullable_allof_is_the_member_or_none(zoo: ModuleType, fetch: Any) -> None:
    friend = {"kind": "cat", "name": "Felix"}
    owner = fetch("get_owner", {"pet": friend, "best_friend": friend, "mood": "wild"})
    assert isinstance(owner.best_friend, zoo.Cat) and owner.best_friend.name == "Felix"
    assert owner.mood == "wild"
    empty = fetch("get_owner", {"pet": friend, "best_friend": None, "mood": None, "problem": None})
    assert (empty.best_friend, empty.mood, empty.problem) == (None, None, None)
    assert _dump(empty) == {"pet": friend, "best_friend": None, "mood": None, "problem": None}
    assert fetch("get_owner", {"pet": friend, "problem": {"code": "E1"}}).problem.code == "E1"


def test_dates_times_and_uuids_that_parse(fetch: Any) -> None:
    payload = {
        "pet": {"kind": "cat", "name": "Tom"},
        "seen_at": "2024-03-01T12:30:00.000Z",  # pydantic alone would give back ...00Z
        "born_on": "2020-02-29",
        "tag": "6F9619FF-8B86-D011-B42D-00C04FC964FF",  # upper case stays upper case
        "history": ["2024-01-01T00:00:00+01:00", "2024-01-02 08:00:00"],
        "created": 1700000000,
    }
    owner = fetch("get_owner", payload)
    assert owner.seen_at == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert isinstance(owner.seen_at, datetime)
    assert owner.born_on == date(2020, 2, 29) and isinstance(owner.born_on, date)
    assert owner.tag == uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff")
    assert all(isinstance(h, datetime) for h in owner.history)
    assert owner.created == 1700000000
    assert _dump(owner) == payload
    assert _dump(pickle.loads(pickle.dumps(owner))) == payload
    assert _dump(owner.model_copy(deep=True)) == payload


def test_dates_times_and_uuids_that_do_not_parse_stay_strings(fetch: Any) -> None:
    payload = {
        "pet": {"kind": "cat", "name": "Tom"},
        "seen_at": "yesterday",
        "born_on": "2021-02-30",  # no such day
        "tag": "not-a-uuid",
        "history": ["2024-13-01T00:00:00Z", "2024-01-01"],  # month 13; a date is no date-time
    }
    owner = fetch("get_owner", payload)
    assert (owner.seen_at, owner.born_on, owner.tag) == ("yesterday", "2021-02-30", "not-a-uuid")
    assert owner.history == ["2024-13-01T00:00:00Z", "2024-01-01"]
    assert _dump(owner) == payload


def test_values_set_in_python_dump_as_iso_text(zoo: ModuleType) -> None:
    owner = zoo.Owner(
        pet=zoo.Cat(kind="cat", name="Tom"),
        seen_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        born_on=date(2001, 1, 1),
        tag=uuid.UUID(int=1),
    )
    assert _dump(owner) == {
        "pet": {"kind": "cat", "name": "Tom"},
        "seen_at": "2024-01-02T03:04:05+00:00",
        "born_on": "2001-01-01",
        "tag": "00000000-0000-0000-0000-000000000001",
    }
