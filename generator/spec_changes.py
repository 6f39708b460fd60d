"""The verbs about spec changes (``diff``, ``update-spec``) and the API change summary that
ends ``generate``.

Heavy imports happen on use: ``generate`` and ``check`` import this module for its verbs'
arguments only.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import cache
from generator.config import Target, find_root, load_targets, profile_named
from generator.errors import GeneratorError

if TYPE_CHECKING:
    from generator.ir import Api

VERBS = ("diff", "update-spec")
SUMMARY_LINES = 12  # changes listed at the end of `generate` (breaking first); the rest counted


def add_verbs(verbs: Any) -> None:
    text = "compare two specs through the client they generate: what changed, what breaks"
    sub = verbs.add_parser("diff", help=text, description=text)
    sub.add_argument("old", type=Path, metavar="OLD_SPEC", help="the spec before the change")
    sub.add_argument("new", type=Path, metavar="NEW_SPEC", help="the spec after the change")
    sub.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="ID",
        help="only this operation and the models it returns (repeatable; default: every"
        " operation)",
    )
    sub.add_argument(
        "--profile",
        help="a profile from [tool.generator.profiles] (default: the profile of the configured "
        "target whose spec is OLD_SPEC or NEW_SPEC)",
    )
    _format_option(sub)
    sub.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit 1 when any change is breaking (default: off, exit 0)",
    )
    text = "download the specs of configured targets from their source URL; report the changes"
    sub = verbs.add_parser("update-spec", help=text, description=text)
    sub.add_argument(
        "package",
        nargs="?",
        help="only the target of this package (default: every target with a source)",
    )
    sub.add_argument(
        "--force",
        action="store_true",
        help="replace a spec that was edited since its last download (or never downloaded)"
        " (default: off)",
    )
    sub.add_argument("--max-bytes", type=int, help="refuse longer downloads (default 64 MiB)")
    _format_option(sub)


def _format_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="report format (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    if args.verb == "diff":
        return _diff(args)
    return _update(args)


def _diff(args: argparse.Namespace) -> int:
    from generator.diff import diff_apis
    from generator.diff_report import render
    from generator.load import load_document
    from generator.spec_ir import build_ir

    profile = _diff_profile(args)
    apis = [
        build_ir(load_document(path), path.as_posix(), profile) for path in (args.old, args.new)
    ]
    changes = diff_apis(apis[0], apis[1], tuple(args.operation))
    sys.stdout.write(render(changes, args.format, args.old.as_posix(), args.new.as_posix()))
    return 1 if args.fail_on_breaking and any(c.breaking for c in changes) else 0


def _diff_profile(args: argparse.Namespace) -> dict[str, Any]:
    root = find_root(Path.cwd())
    if args.profile:
        return profile_named(root, args.profile)
    try:
        targets = load_targets(root)
    except GeneratorError:  # no project here: name things by the defaults
        return {}
    specs = {args.old.resolve(), args.new.resolve()}
    return next((t.profile for t in targets if t.spec in specs), {})


def _update(args: argparse.Namespace) -> int:
    from generator.diff import diff_apis
    from generator.diff_report import render
    from generator.update_spec import MAX_BYTES, update

    targets = load_targets(find_root(Path.cwd()))
    if args.package:
        targets = [t for t in targets if t.package == args.package]
        if not targets:
            raise GeneratorError(f"no configured target with package {args.package!r}")
        if targets[0].source is None:
            raise GeneratorError(f'target {args.package!r} has no source = "https://..."')
    else:
        targets = [t for t in targets if t.source is not None]
        if not targets:
            raise GeneratorError('no configured target has a source = "https://..." to update')
    for target in targets:
        done = update(target, args.force, args.max_bytes or MAX_BYTES)
        if not done.changed:
            print(f"{target.spec_label}: already up to date with {target.source}", file=sys.stderr)
            continue
        print(f"{target.spec_label}: updated from {target.source}", file=sys.stderr)
        if done.old is not None:
            changes = diff_apis(done.old, done.new)
            sys.stdout.write(
                render(changes, args.format, f"{target.spec_label} (before)", str(target.source))
            )
    print("run `python -m generator generate` to regenerate", file=sys.stderr)
    return 0


# The end of `generate` ---------------------------------------------------------------------
def after_generate(target: Target, before: str | None, now: str, new: Api | None) -> list[str]:
    """Keep the spec just generated from (so the next generation can say what changed), and
    say how the API changed since the spec of hash ``before``, the one the manifest recorded.
    ``new`` is the current spec's IR when this run built it."""
    try:
        raw = target.spec.read_bytes()
    except OSError:
        return []
    # A multi-file spec's hash covers all its files: one file alone cannot stand for it.
    single = hashlib.sha256(raw).hexdigest() == now
    if single and not _kept(target, now).is_file():
        cache.write_quietly(_kept(target, now), raw)
    if before is None or before == now:
        return []
    if not single:
        return [
            f"{target.package}: the spec changed since the last generation; it spans several "
            "files, so no API change summary here: `python -m generator diff OLD NEW` compares "
            "two versions of it"
        ]
    return api_summary(target, before, new)


def api_summary(target: Target, old_sha256: str, new: Api | None) -> list[str]:
    """Lines saying how the API changed since the spec whose hash the manifest recorded
    (``new`` is the current spec's IR when this run built it)."""
    from generator.diff import diff_apis
    from generator.diff_report import headline
    from generator.load import load_document
    from generator.spec_ir import build_ir

    old_path = _previous_spec(target, old_sha256)
    if old_path is None:
        return [
            f"{target.package}: the spec changed since the last generation; the spec generated "
            f"from then (sha256 {old_sha256[:12]}) is neither in the cache nor at git HEAD, so "
            "no API change summary"
        ]
    try:
        old = build_ir(
            load_document(old_path), target.spec_label, target.profile, target.operations
        )
    except GeneratorError as exc:
        return [f"{target.package}: no API change summary: the previous spec fails to load: {exc}"]
    if new is None:  # the output came from the cache
        new = build_ir(
            load_document(target.spec), target.spec_label, target.profile, target.operations
        )
    changes = diff_apis(old, new)
    lines = [f"{target.package}: the spec changed since the last generation: {headline(changes)}"]
    ordered = sorted(changes, key=lambda c: not c.breaking)  # breaking first, else in order
    lines += [
        f"  {'breaking' if c.breaking else 'change'}: {c.subject}: {c.detail}"
        for c in ordered[:SUMMARY_LINES]
    ]
    if len(ordered) > SUMMARY_LINES:
        lines.append(f"  ... and {len(ordered) - SUMMARY_LINES} more")
    if changes:
        lines.append(
            f"  full report: python -m generator diff {old_path} {target.spec_label} "
            "--format markdown"
        )
    return lines


def _kept(target: Target, sha256: str) -> Path:
    return cache.cache_dir() / "specs" / f"{sha256}{target.spec.suffix}"


def _previous_spec(target: Target, sha256: str) -> Path | None:
    """The spec generated from last time: kept in the cache, or else the one at git HEAD when
    its hash is the one the manifest recorded."""
    kept = _kept(target, sha256)
    if kept.is_file():
        return kept
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:./{target.spec.name}"],
            cwd=target.spec.parent,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if shown.returncode != 0 or hashlib.sha256(shown.stdout).hexdigest() != sha256:
        return None
    cache.write_quietly(kept, shown.stdout)
    return kept if kept.is_file() else None
