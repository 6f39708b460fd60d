"""Nothing in a response is lost: a value that does not fit its declared type leaves its typed
field (logged as before) and is kept, as sent, in the model_extra of the model holding it."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import Field

from generator.templates.runtime._models import BaseObject, lenient_parser


class Tag(BaseObject):
    label: str | None = None


class Item(BaseObject):
    created_by: int | None = Field(None, alias="created-by")
    counts: list[int] | None = None
    tags: list[Tag] | None = None


def test_values_off_the_spec_are_kept_as_sent(caplog: pytest.LogCaptureFixture) -> None:
    sent = {
        "created-by": {"id": "u1"},
        "counts": [1, "two", 3],
        "tags": [{"label": "a"}, {"label": 7}],
    }
    parse = lenient_parser(Item, logging.getLogger("kept"))
    with caplog.at_level("WARNING"):
        item = parse(json.dumps(sent).encode())
    assert "dropped created-by" in caplog.text and "counts.1" in caplog.text
    assert item.created_by is None and item.counts == [1, 3]  # what still fits stays typed
    assert item.model_extra == {"created-by": {"id": "u1"}, "counts": [1, "two", 3]}
    assert item.tags is not None and item.tags[1].model_extra == {"label": 7}
    assert item.model_dump(by_alias=True, exclude_none=True) == sent
