"""The stages in order: load -> parse -> build IR -> render -> format; then write or compare."""

from __future__ import annotations

import hashlib
import json
import marshal
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import cache
from generator.config import Target
from generator.errors import GeneratorError
from generator.format import BLACK_VERSION
from generator.paths import templates_root
from generator.progress import Progress, quiet
from generator.text import counted
from generator.write import (
    MANIFEST,
    foreign_files,
    read_text,
    refuse_non_folder,
    repair,
    split_stale,
    stale_files,
    with_file_list,
    write_package,
)

if TYPE_CHECKING:
    from generator.ir import Api
    from generator.load import Document


@dataclass(frozen=True)
class Output:
    api: Api
    files: dict[str, str]  # path relative to the package directory -> text
    inputs: dict[str, str]  # the spec's files (relative to its folder) -> sha256


def build(target: Target, progress: Progress = quiet) -> Api:
    """The target's IR: the spec loaded, validated and lowered (no rendering)."""
    return _load_and_build(target, progress)[1]


def _load_and_build(target: Target, progress: Progress) -> tuple[Document, Api]:
    """The spec as loaded (its hash and files, for the manifest and the cache) and the IR."""
    # Imported here, not at the top: a run whose output is cached never needs them.
    from generator.load import load_document
    from generator.spec_ir import build_ir

    started = time.monotonic()
    doc = load_document(target.spec)
    progress(f"[{time.monotonic() - started:6.2f}s] {target.package}: loaded {target.spec_label}")
    api = build_ir(
        doc,
        target.spec_label,
        target.profile,
        target.operations,
        lambda message: progress(f"{target.package}: {message}"),
    )
    return doc, api


def produce(target: Target, progress: Progress = quiet) -> Output:
    """Everything ``generate`` would write for a target, in memory."""
    from generator.format import format_files
    from generator.render import PREFORMATTED, manifest

    started = time.monotonic()

    def step(message: str) -> None:
        progress(f"[{time.monotonic() - started:6.2f}s] {target.package}: {message}")

    doc, api = _load_and_build(target, progress)
    step(
        f"built {counted(len(api.operations), 'operation')}, {counted(len(api.models), 'model')},"
        f" {counted(len(api.params_types), 'parameter type')}"
    )
    _report(target, api.warnings, progress)
    rendered = _render(api, target)
    # The runtime files are copied verbatim from sources that are black-formatted already
    # (tests/generator/test_format.py holds them to it): formatting would not change a byte,
    # and they are over half the lines of a small package.
    verbatim = {path: rendered.pop(path) for path in PREFORMATTED}
    pack = cache.Pack(_pack_path(target))
    files = rendered
    if target.distribution:
        from generator.distribution import project_files

        files.update(project_files(api, target.package, target.distribution))
    files[MANIFEST] = manifest(api, doc.sha256)
    step(f"rendered {counted(len(files) + len(verbatim), 'file')}")
    # the built-in templates lay code out as black does: black sees only what it would change
    files = format_files(files, step, pack, laid_out=not target.templates)
    pack.save()
    files = with_file_list({**files, **verbatim})
    step("formatted")
    return Output(api=api, files=files, inputs=doc.files)


def _render(api: Api, target: Target) -> dict[str, str]:
    """The package's files, through the target's template overrides if it has any: a Jinja
    error or invalid Python from one stops here, before anything is written."""
    import jinja2

    from generator.overrides import check_overrides, check_python, render_error
    from generator.render import render_package

    overrides = check_overrides(target.templates) if target.templates else {}
    try:
        files = render_package(api, target.module, overrides)
    except jinja2.TemplateError as exc:
        raise render_error(exc, overrides) from None
    check_python(files, overrides)
    return files


def _pack_path(target: Target) -> Path:
    """Where this target's formatted pieces are kept between runs (one file per target)."""
    name = json.dumps([target.spec_label, target.package, target.module]).encode()
    return cache.cache_dir() / "packs" / f"{hashlib.sha256(name).hexdigest()}.marshal"


def generate(target: Target, progress: Progress = quiet, *, force: bool = False) -> list[str]:
    """Write the target's package if anything in it changed; the changed paths. Refused
    (``GeneratorError``) over a folder or files the generator did not write, unless ``force``.

    Ends with what changed: files added, changed and removed, and, when the spec changed
    since the last generation (the manifest records its hash), how the API changed."""
    from generator import spec_changes

    refuse_non_folder(target.package_dir)
    files, api = _expected(target, progress)
    repair(target.package_dir)  # what a crashed earlier run left
    changed = stale_files(target.package_dir, files)
    before = _manifest_sha256(read_text(target.package_dir / MANIFEST))
    added, modified, removed = split_stale(target.package_dir, files, changed)
    if changed:
        write_package(target.package_dir, files, unchanged=set(files) - set(changed), force=force)
    progress(
        f"{target.package}: {len(changed)} of {len(files)} files changed in {target.package_dir}"
        f" ({len(added)} added, {len(modified)} changed, {len(removed)} removed)"
    )
    now = _manifest_sha256(files.get(MANIFEST))
    if now:
        for line in spec_changes.after_generate(target, before, now, api):
            progress(line)
    return changed


def _manifest_sha256(text: str | None) -> str | None:
    try:
        sha = json.loads(text or "").get("spec_sha256")
    except (ValueError, AttributeError):
        return None
    return sha if isinstance(sha, str) else None


def check(target: Target, progress: Progress = quiet) -> tuple[list[str], list[str]]:
    """The package's stale files, and (apart) the files in it the generator did not write."""
    files = expected_files(target, progress)
    foreign = foreign_files(target.package_dir, files)
    stale = [p for p in stale_files(target.package_dir, files) if p not in foreign]
    return stale, foreign


def expected_files(target: Target, progress: Progress = quiet) -> dict[str, str]:
    return _expected(target, progress)[0]


def _expected(target: Target, progress: Progress) -> tuple[dict[str, str], Api | None]:
    """The package's files (and the IR, when it was built), , from the output cache when every input is unchanged.

    Output is a pure function of the spec's bytes, the target's settings and the generator's
    own code and templates, so it is cached under a hash of all of them: regenerating with
    nothing changed then costs reading a few files, not a run of the pipeline.
    """
    entry = cache.cache_dir() / "outputs" / f"{_fingerprint(target)}.marshal"
    blob = cache.read(entry)
    if blob is not None:
        try:
            files, warnings, inputs = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            files = None
        # The key covers the entry file; a multi-file spec's other files are checked here.
        if isinstance(files, dict) and _unchanged(target.spec.parent, inputs):
            progress(f"{target.package}: inputs unchanged since an earlier run; output from cache")
            _report(target, warnings, progress)  # a cached run says what the first one said
            return files, None
    output = produce(target, progress)
    record = (output.files, list(output.api.warnings), output.inputs)
    cache.write_quietly(entry, marshal.dumps(record))
    return output.files, output.api


def _unchanged(folder: Path, inputs: dict[str, str]) -> bool:
    if len(inputs) <= 1:
        return True
    for name, sha in inputs.items():
        try:
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != sha:
                return False
        except OSError:
            return False
    return True


def _report(target: Target, warnings: Iterable[str], progress: Progress) -> None:
    for warning in warnings:
        # one line each, whatever the spec put in a name
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in warning)
        progress(f"warning: {target.spec_label}{text}")


def _fingerprint(target: Target) -> str:
    digest = hashlib.sha256()
    try:
        digest.update(target.spec.read_bytes())
    except OSError as exc:
        raise GeneratorError(f"cannot read spec: {exc.strerror}", file=str(target.spec)) from None
    settings = [target.spec_label, target.package, target.operations, target.profile]
    settings += [target.module, target.distribution]
    if target.templates is not None:  # the overrides' names and bytes
        settings.append(str(target.templates))
        if target.templates.is_dir():
            for path in sorted(target.templates.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(target.templates).as_posix().encode())
                    digest.update(b"\0" + path.read_bytes())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(f"black {BLACK_VERSION}".encode())
    digest.update(_code_fingerprint().encode())
    return digest.hexdigest()


def _code_fingerprint() -> str:
    """Hash of the generator's own source and templates: any edit to them invalidates outputs."""
    digest = hashlib.sha256()
    for root in (Path(__file__).resolve().parent, Path(str(templates_root()))):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(
                    path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes()
                )
    return digest.hexdigest()
