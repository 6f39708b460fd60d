"""Tags as navigation shows them: OpenAPI 3.2's nested tags as one group label per tag."""

from __future__ import annotations

from generator.ir import Api

SEPARATOR = " / "


def tag_label(api: Api, name: str) -> str:
    """The group an operation tagged ``name`` is listed under: the tag's ``summary`` (its short
    display name in 3.2) or its name, after its parents' (``Pets / Dogs``), so sorted groups
    put each tag right after its parent. A tag the document does not declare is its name."""
    trail: list[str] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:  # build reports parent cycles
        seen.add(current)
        tag = api.tag(current)
        trail.append(tag.summary or tag.name if tag else current)
        current = tag.parent if tag else None
    return SEPARATOR.join(reversed(trail))
