"""The stages in order: load -> parse -> build IR -> render -> format; then write or compare."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from generator.build import BuildInput, build_api
from generator.config import Target, make_profile
from generator.format import format_files
from generator.ir import Api
from generator.load import load_document
from generator.parse import parse_document
from generator.render import manifest, render_package
from generator.write import stale_files, write_package

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class Output:
    api: Api
    files: dict[str, str]  # path relative to the package directory -> text


def produce(target: Target, progress: Progress = quiet) -> Output:
    """Everything ``generate`` would write for a target, in memory."""
    started = time.monotonic()

    def step(message: str) -> None:
        progress(f"[{time.monotonic() - started:6.2f}s] {target.package}: {message}")

    doc = load_document(target.spec)
    step(f"loaded {target.spec_label}")
    parse_document(doc)
    title = str(doc.data.get("info", {}).get("title", ""))
    api = build_api(
        BuildInput(
            data=doc.data,
            file=str(target.spec),
            spec_path=target.spec_label,
            profile=make_profile(target.profile, title),
            operations=target.operations,
        )
    )
    step(
        f"built {len(api.operations)} operations, {len(api.models)} models, {len(api.params_types)} parameter types"
    )
    for warning in api.warnings:
        progress(f"warning: {target.spec_label}{warning}")
    files = render_package(api)
    files["manifest.json"] = manifest(api, doc.sha256)
    step(f"rendered {len(files)} files")
    files = format_files(files, step)
    step("formatted")
    return Output(api=api, files=files)


def generate(target: Target, progress: Progress = quiet) -> Output:
    output = produce(target, progress)
    changed = stale_files(target.package_dir, output.files)
    if changed:
        write_package(target.package_dir, output.files)
    progress(
        f"{target.package}: {len(changed)} of {len(output.files)} files changed in {target.package_dir}"
    )
    return output


def check(target: Target, progress: Progress = quiet) -> list[str]:
    output = produce(target, progress)
    return stale_files(target.package_dir, output.files)
