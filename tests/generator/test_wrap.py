"""``views.wrap.annotated`` lays out a long field or parameter exactly as black does: random
unions of names, ``Literal[...]`` and ``list[...]`` members, as a model's field (a statement in a
class) and as a keyword parameter of an exploded method, checked against black itself."""

from __future__ import annotations

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import black_mode
from generator.views.wrap import annotated, annotated_key

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
names = st.text(_ALPHABET, min_size=1, max_size=40).map(lambda s: "N" + s)
strings = st.text(_ALPHABET + " -./:", min_size=0, max_size=24).map(lambda s: f'"{s}"')
literals = st.lists(strings, min_size=1, max_size=40).map(lambda v: f"Literal[{', '.join(v)}]")
simple = st.one_of(names, literals, st.sampled_from(["str", "int", "DateTimeOrStr"]))
lists = st.lists(simple, min_size=1, max_size=4).map(lambda m: f"list[{' | '.join(m)}]")
members = st.lists(st.one_of(simple, lists), min_size=1, max_size=6)
values = st.one_of(
    st.sampled_from(["None", "REQUIRED", "NOT_GIVEN"]),
    names.map(lambda a: f'Field(None, alias="{a}")'),
)


def _field(line: str) -> str:
    return f"class C(BaseObject):\n    {line}\n"


def _parameter(line: str) -> str:
    return (
        "class C:\n    def f(\n        self,\n        *,\n"
        f"        {line}\n    ) -> None:\n        pass\n"
    )


@settings(max_examples=400)
@given(name=names, parts=members, value=values, none=st.booleans(), as_parameter=st.booleans())
def test_annotated_is_what_black_writes(
    name: str, parts: list[str], value: str, none: bool, as_parameter: bool
) -> None:
    annotation = " | ".join([*parts, "None"] if none else parts)
    indent, wrap = (8, _parameter) if as_parameter else (4, _field)
    comma = "," if as_parameter else ""
    ours = annotated(indent, name, annotation, value, comma=as_parameter)
    one_line = f"{name}: {annotation} = {value}{comma}"
    expected = black.format_str(wrap(one_line), mode=black_mode())
    if ours == one_line:  # left to black: only ever a line too long, or one that fits
        return
    assert wrap(ours) == expected


def test_short_lines_and_single_members_are_left_as_they_are() -> None:
    assert annotated(4, "a", "str | None", "None") == "a: str | None = None"
    long_literal = "Literal[" + ", ".join(f'"value{n}"' for n in range(30)) + "]"
    assert annotated(4, "a", long_literal, "None") == f"a: {long_literal} = None"


EMULATED = {
    "field, items on one line": (
        4,
        "account_age_indicator",
        'Literal["notApplicable", "thisTransaction", "lessThan30Days", "from30To60Days",'
        ' "moreThan60Days"] | str | None',
        'Field(None, alias="accountAgeIndicator")',
    ),
    "parameter, a member a line": (
        8,
        "protocol",
        "ProtocolSamlParams | ProtocolOAuthParams | ProtocolOidcParams | ProtocolMtlsParams"
        " | ProtocolIdVerificationParams | None",
        "None",
    ),
    "parameter, an item a line": (
        8,
        "type",
        "Literal["
        + ", ".join(f'"{v}"' for v in ("AMAZON", "APPLE", "DISCORD", "FACEBOOK", "GITHUB") * 5)
        + "] | None",
        "NOT_GIVEN",
    ),
    "field split after the equals sign": (4, "n" * 20, " | ".join(["Name" * 4] * 4), "REQUIRED"),
}


@pytest.mark.parametrize("case", EMULATED)
def test_shapes_seen_in_the_corpus_are_laid_out_here(case: str) -> None:
    indent, name, annotation, value = EMULATED[case]
    as_parameter = indent == 8
    ours = annotated(indent, name, annotation, value, comma=as_parameter)
    one_line = f"{name}: {annotation} = {value}{',' if as_parameter else ''}"
    assert "\n" in ours  # laid out here, not left to black
    wrap = _parameter if as_parameter else _field
    assert wrap(ours) == black.format_str(wrap(one_line), mode=black_mode())


@settings(max_examples=300)
@given(name=names, parts=members, required=st.booleans())
def test_annotated_key_is_what_black_writes(name: str, parts: list[str], required: bool) -> None:
    annotation = " | ".join(parts)
    if required:
        annotation = f"Required[{annotation}]"
    ours = annotated_key(4, name, annotation)
    one_line = f"{name}: {annotation}"
    if ours != one_line:
        assert _field(ours) == black.format_str(_field(one_line), mode=black_mode())


@pytest.mark.parametrize(
    "annotation",
    [
        'Literal["noPreference", "requestNoChallenge", "requestChallenge", "requestChallengeMandate"]',
        "Required[Literal["
        + ", ".join(f'"{v}"' for v in ("adhoc", "daily", "weekly", "biWeekly", "monthly") * 2)
        + "]]",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB | CCCCCCCCCCCCCCCCCCCCCCCC",
    ],
)
def test_keys_seen_in_the_corpus_are_laid_out_here(annotation: str) -> None:
    ours = annotated_key(4, "challengeIndicator", annotation)
    assert "\n" in ours
    one_line = f"challengeIndicator: {annotation}"
    assert _field(ours) == black.format_str(_field(one_line), mode=black_mode())
