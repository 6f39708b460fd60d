"""Templates only lay text out: decisions are made in Python views (``generator/views/``).

The budget: at most 24 ``{% %}`` tags in a template. Laying text out needs one ``for`` and
``endfor`` per repeated part and one ``if`` and ``endif`` per optional part; the busiest
pure-layout template (a models module: classes, their field lines and docstrings, page methods,
late imports, aliases) needs 18. Twenty-four leaves room for a part or two more, and not for a
computation. Besides the count, a template may not name an intermediate value (``{% set %}``)
or crunch data with Jinja's list filters (``selectattr``, ``map``, ``sort``, ...): both are a
view's job.

The clients' and resource namespaces' methods (signatures, overloads, docstrings and calls) are
written by ``generator/views/methods.py``; their templates lay out the source it returns. The
budget covers the templates of generated packages (code and reference docs); the explorer's HTML pages (``templates/explorer/``) are not held to it yet.
"""

from __future__ import annotations

import re

from support.paths import ROOT

BUDGET = 24
TEMPLATES = ROOT / "templates"
_TAG = re.compile(r"{%-?\s*(\w+)")
_CRUNCH = re.compile(r"\|\s*(selectattr|rejectattr|map|select|reject|groupby|sum|unique|sort)\b")


def _templates() -> dict[str, str]:
    return {
        p.relative_to(TEMPLATES).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(TEMPLATES.rglob("*.jinja"))
        if p.parent.name != "explorer"
    }


def test_every_template_is_within_its_tag_budget() -> None:
    over = {}
    for name, text in _templates().items():
        tags = len(_TAG.findall(text))
        if tags > BUDGET:
            over[name] = tags
    assert over == {}, f"templates over budget (tags): {over}; move the logic into a view"


def test_templates_name_no_values_and_crunch_no_lists() -> None:
    found = {}
    for name, text in _templates().items():
        logic = {t for t in _TAG.findall(text) if t == "set"} | set(_CRUNCH.findall(text))
        if logic:
            found[name] = sorted(logic)
    assert found == {}


def test_the_budget_catches_a_template_full_of_logic() -> None:
    logic = "{% for x in xs %}{% if x %}{% set y = x | map('str') | list %}{% endif %}{% endfor %}"
    assert len(_TAG.findall(logic * 5)) > BUDGET
    assert _CRUNCH.findall(logic) == ["map"]
