"""The report of a spec change (``generator.diff``) as text, Markdown or JSON.

Text is for a terminal; Markdown is ready to paste into a pull request (breaking changes in
the open, the rest folded away in ``<details>``); JSON follows ``diff-report.schema.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from generator.diff import KINDS, Change

Format = Literal["text", "markdown", "json"]
SCHEMA = Path(__file__).with_name("diff-report.schema.json")
SCHEMA_ID = "https://openapi-client-generator.invalid/diff-report.schema.json"

# Report sections, by the first part of a change's kind.
SECTIONS = (
    ("Methods", ("operation", "return", "parameter")),
    ("Parameter TypedDicts", ("key",)),
    ("Models", ("model", "field")),
    ("Security", ("credential", "security")),
)
LONG = 160  # a type spelled longer than this is shortened in text and Markdown (JSON has it all)


def render(changes: Sequence[Change], fmt: Format, old: str, new: str) -> str:
    if fmt == "json":
        return to_json(changes, old, new)
    if fmt == "markdown":
        return to_markdown(changes, old, new)
    return to_text(changes, old, new)


def headline(changes: Sequence[Change]) -> str:
    breaking = sum(c.breaking for c in changes)
    if not changes:
        return "no API changes"
    return f"{len(changes)} API change{'s' * (len(changes) != 1)}, {breaking} breaking"


def to_json(changes: Sequence[Change], old: str, new: str) -> str:
    counts = Counter(c.kind for c in changes)
    data = {
        "$schema": SCHEMA_ID,
        "old": old,
        "new": new,
        "summary": {
            "changes": len(changes),
            "breaking": sum(c.breaking for c in changes),
            "by_kind": {k: counts[k] for k in KINDS if counts[k]},
        },
        "changes": [
            {
                "kind": c.kind,
                "scope": c.scope,
                "subject": c.subject,
                "breaking": c.breaking,
                "detail": c.detail,
                "where": c.where,
                "old": c.old,
                "new": c.new,
            }
            for c in changes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_text(changes: Sequence[Change], old: str, new: str) -> str:
    lines = [f"{old} -> {new}: {headline(changes)}"]
    for title, group in (("Breaking", True), ("Not breaking", False)):
        chosen = [c for c in changes if c.breaking == group]
        if chosen:
            lines.append(f"\n{title} ({len(chosen)}):")
            lines.extend(f"  {_line(c, markdown=False)}" for c in chosen)
    return "\n".join(lines) + "\n"


def to_markdown(changes: Sequence[Change], old: str, new: str) -> str:
    lines = [f"### API changes: {_code(old)} → {_code(new)}", "", f"**{headline(changes)}.**"]
    if changes:
        lines += ["", "| | breaking | not breaking |", "|---|---:|---:|"]
        for title, part in _sections(changes):
            bad = sum(c.breaking for c in part)
            lines.append(f"| {title} | {bad} | {len(part) - bad} |")
    for breaking, heading in ((True, "Breaking changes"), (False, "Other changes")):
        chosen = [c for c in changes if c.breaking == breaking]
        if not chosen:
            continue
        lines += ["", f"#### {heading} ({len(chosen)})"]
        for title, part in _sections(chosen):
            # breaking changes in the open; the rest folded, one section at a time
            start, end = (
                (f"**{title}**", [])
                if breaking
                else (f"<details><summary>{title} ({len(part)})</summary>", ["", "</details>"])
            )
            lines += ["", start, "", *(f"- {_line(c, markdown=True)}" for c in part), *end]
    return "\n".join(lines) + "\n"


def _sections(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    parts = [(title, [c for c in changes if _first(c) in firsts]) for title, firsts in SECTIONS]
    return [(title, part) for title, part in parts if part]


def _first(c: Change) -> str:
    return c.kind.partition(".")[0]


def _line(c: Change, markdown: bool) -> str:
    """One change: subject, what happened, and the types where they tell something."""
    spell = _code if markdown else _one_line
    detail = _one_line(c.detail)
    if markdown:  # spec text (deprecation messages) must not turn into HTML
        detail = detail.replace("&", "&amp;").replace("<", "&lt;")
    text = f"{spell(c.subject)}: {detail}"
    if c.kind.endswith(".type_changed") and c.old and c.new:
        text += f": {spell(_short(c.old))} → {spell(_short(c.new))}"
    elif c.kind.endswith(".added") and c.new and not c.kind.startswith("model"):
        text += f" ({spell(_short(c.new))})"
    elif c.kind.endswith(".removed") and c.old and not c.kind.startswith("model"):
        text += f" (was {spell(_short(c.old))})"
    return text


def _short(spelled: str) -> str:
    return spelled if len(spelled) <= LONG else spelled[: LONG - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _code(text: str) -> str:
    """A Markdown code span that holds ``text`` whatever backticks it contains."""
    text = _one_line(text)
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
