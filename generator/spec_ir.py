"""A loaded spec to its IR: validated, given its profile, lowered. What ``generate``, ``diff``,
``update-spec`` and the gateway all build from a spec, in one place."""

from __future__ import annotations

from typing import Any

from generator.config import make_profile
from generator.ir import Api
from generator.load import Document
from generator.lower import BuildInput, build_api
from generator.parse import parse_document
from generator.profiles import BUILTIN, recognise
from generator.progress import Progress, quiet


def build_ir(
    doc: Document,
    label: str,
    profile: dict[str, Any],
    operations: tuple[str, ...] = (),
    progress: Progress = quiet,
) -> Api:
    """A loaded spec, validated and lowered into the IR (what ``diff`` compares). Without a
    profile of its own, a spec recognised as one a built-in profile is for gets that one."""
    spec = parse_document(doc)
    if not profile:
        recognised = recognise(spec.data)
        if recognised is not None:
            progress(
                f"recognised the spec as {recognised}'s: using the built-in {recognised} profile"
            )
            profile = BUILTIN[recognised]
    return build_api(
        BuildInput(
            spec=spec,
            spec_path=label,
            profile=make_profile(profile, spec.title),
            operations=operations,
        )
    )
