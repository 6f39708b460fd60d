"""The spec's own examples of request bodies and responses (OpenAPI ``examples`` maps, each
entry possibly a ``$ref`` to ``components/examples``, or a single ``example``), kept as JSON text
for the explorer: its examples picker and its example responses per status code."""

from __future__ import annotations

import json
from typing import Any

from generator.errors import GeneratorError, join
from generator.lower.schemas import Schemas

Example = tuple[str, str, str]  # name, summary, value as JSON text
MAX_RESPONSE_EXAMPLES = 12  # per operation; the page shows them all


def media_examples(s: Schemas, media: dict[str, Any], where: str) -> tuple[Example, ...]:
    """A media type object's named ``examples``, or its one ``example``; an external or
    unreadable one is left out (examples are documentation: never a reason to fail)."""
    found: list[Example] = []
    named = media.get("examples")
    for name, node in named.items() if isinstance(named, dict) else []:
        try:
            example, _ = s.resolver.deref(node, join(where, "examples", str(name)))
        except GeneratorError:
            continue
        if isinstance(example, dict) and "value" in example:
            summary = str(example.get("summary") or "")
            found.append((str(name), summary, json.dumps(example["value"], ensure_ascii=False)))
    if not found and "example" in media:
        found.append(("example", "", json.dumps(media["example"], ensure_ascii=False)))
    return tuple(found)


def response_examples(s: Schemas, op: dict[str, Any], where: str) -> tuple[tuple[str, Example], ...]:
    """(status, example) of every declared response's JSON examples, in the spec's order."""
    found: list[tuple[str, Example]] = []
    responses = op.get("responses")
    for status, node in responses.items() if isinstance(responses, dict) else []:
        try:
            response, awhere = s.resolver.deref(node, join(where, "responses", str(status)))
        except GeneratorError:
            continue
        content = response.get("content") if isinstance(response, dict) else None
        for media, entry in content.items() if isinstance(content, dict) else []:
            if isinstance(entry, dict) and "json" in str(media).lower():
                cwhere = join(awhere, "content", str(media))
                found += [(str(status), e) for e in media_examples(s, entry, cwhere)]
    return tuple(found[:MAX_RESPONSE_EXAMPLES])
