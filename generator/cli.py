"""Command line: ``generate`` and ``check`` (``python -m generator`` or the console script)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import pipeline
from generator.config import Target, find_root, load_profiles, load_targets, make_target
from generator.errors import GeneratorError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb, text in (
        ("generate", "rebuild the configured targets (or one ad-hoc target)"),
        ("check", "exit 1 and list stale files when generated output differs from the spec"),
    ):
        sub = verbs.add_parser(verb, help=text, description=text)
        sub.add_argument("--spec", type=Path, help="ad-hoc target: the OpenAPI document")
        sub.add_argument("--out", type=Path, help="ad-hoc target: folder to write the package in")
        sub.add_argument("--package", help="ad-hoc target: package name (written to OUT/PACKAGE)")
        sub.add_argument(
            "--operation",
            action="append",
            default=[],
            metavar="ID",
            help="only this operation (repeatable; matches ignoring case and '_')",
        )
        sub.add_argument(
            "--profile", help="ad-hoc target: a profile from [tool.generator.profiles]"
        )
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def _targets(args: argparse.Namespace) -> list[Target]:
    root = find_root(Path.cwd())
    adhoc = (args.spec, args.out, args.package)
    if any(a is not None for a in adhoc):
        if not all(a is not None for a in adhoc):
            raise GeneratorError("an ad-hoc target needs all of --spec, --out and --package")
        profile = load_profiles(root).get(args.profile, None) if args.profile else {}
        if profile is None:
            raise GeneratorError(f"no profile {args.profile!r} in [tool.generator.profiles]")
        return [
            make_target(
                Path.cwd(), args.spec, args.out, args.package, tuple(args.operation), profile
            )
        ]
    targets = load_targets(root)
    if args.operation:
        raise GeneratorError("--operation goes with an ad-hoc target (--spec/--out/--package)")
    return targets


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = pipeline.quiet if args.quiet else pipeline.stderr_progress
    try:
        targets = _targets(args)
        if args.verb == "generate":
            for target in targets:
                pipeline.generate(target, progress)
            return 0
        stale = [(t, path) for t in targets for path in pipeline.check(t, progress)]
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for target, path in stale:
        print(f"stale: {(target.package_dir / path).as_posix()}")
    if stale:
        print(f"{len(stale)} stale file(s); run `python -m generator generate`")
        return 1
    return 0
