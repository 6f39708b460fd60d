"""Command line: ``generate``, ``check``, ``diff``, ``update-spec`` and ``gateway``
(``python -m generator`` or the console script)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from generator import __version__, pipeline, spec_changes
from generator.config import (
    Target,
    distribution_setting,
    find_root,
    load_targets,
    make_target,
    profile_named,
)
from generator.errors import GeneratorError
from generator.progress import quiet, stderr_progress
from generator.text import counted

DESCRIPTION = (
    "Turn an OpenAPI 3.0, 3.1 or 3.2 document into a typed Python client package. Without --spec,"
    " --out and --package, the verbs work on the targets configured in the pyproject.toml of"
    " this folder or the nearest one above it."
)
VERBS = {
    "generate": (
        "rebuild the configured targets (or one ad-hoc target)",
        "Write each target's package, changing only the files whose content changed. A folder"
        " the generator did not write, or files added to a package, are never replaced or"
        " deleted without --force.",
    ),
    "check": (
        "exit 1 and list stale files when generated output differs from the spec",
        "Compare each target's package with what generate would write, without writing"
        " anything. Exit status 1 lists the stale files and the files the generator did not"
        " write; 0 means the package is up to date.",
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=DESCRIPTION)
    parser.add_argument(
        "--version", action="version", version=f"openapi-client-generator {__version__}"
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb, (text, description) in VERBS.items():
        sub = verbs.add_parser(verb, help=text, description=description)
        _target_arguments(sub)
        sub.add_argument(
            "-q", "--quiet", action="store_true", help="print errors only (default: off)"
        )
        if verb == "generate":
            sub.add_argument(
                "--force",
                action="store_true",
                help="replace the folder even if the generator did not write it, and delete"
                " files in the package it did not write (default: off)",
            )
    spec_changes.add_verbs(verbs)
    # Parsed by generator.gateway.serve (see main): listed here for --help only.
    verbs.add_parser("gateway", help="serve the credential-injecting gateway (gateway --help)")
    return parser


def _target_arguments(sub: argparse.ArgumentParser) -> None:
    """The options every verb takes to name an ad-hoc target (or narrow the configured ones)."""
    sub.add_argument(
        "--spec",
        type=Path,
        help="ad-hoc target: the OpenAPI document (default: none, the configured targets)",
    )
    sub.add_argument(
        "--out",
        type=Path,
        help="ad-hoc target: the folder to write the package in (default: none)",
    )
    sub.add_argument(
        "--package",
        help="ad-hoc target: the package name, written to OUT/PACKAGE (default: none)",
    )
    sub.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="ID",
        help="only this operation (repeatable; matches ignoring case and '_'; default:"
        " every operation)",
    )
    sub.add_argument(
        "--profile",
        help="ad-hoc target: a built-in profile or one from [tool.generator.profiles]"
        " (default: the built-in one the spec is recognised for, else none)",
    )
    sub.add_argument(
        "--import-name",
        default="",
        metavar="MODULE",
        help="ad-hoc target: how code imports the package, for its docs (default: PACKAGE)",
    )
    sub.add_argument(
        "--distribution",
        nargs="?",
        const=True,
        default=False,
        metavar="NAME",
        help="ad-hoc target: write an installable project (pyproject.toml, README.md) in the"
        " package folder, named NAME (default: off; NAME defaults to the package's name)",
    )
    sub.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="ad-hoc target: a folder of template overrides, see docs/guide/templates.md"
        " (default: none)",
    )


def _targets(args: argparse.Namespace) -> list[Target]:
    root = find_root(Path.cwd())
    adhoc = (args.spec, args.out, args.package)
    if any(a is not None for a in adhoc):
        if not all(a is not None for a in adhoc):
            raise GeneratorError("an ad-hoc target needs all of --spec, --out and --package")
        profile = profile_named(root, args.profile) if args.profile else {}
        return [
            make_target(
                Path.cwd(),
                args.spec,
                args.out,
                args.package,
                tuple(args.operation),
                profile,
                import_name=args.import_name,
                distribution=distribution_setting(args.distribution, args.package),
                templates=args.templates,
            )
        ]
    targets = load_targets(root)
    if args.operation:
        raise GeneratorError("--operation goes with an ad-hoc target (--spec/--out/--package)")
    return targets


# Stages recurse along the spec's nesting (lowering schemas, rendering annotations, black).
# Documents nest at most load.MAX_DEPTH levels and openapi-pydantic accepts about 250 levels of
# schemas, which needs more than Python's default 1000 frames but stays far from the C stack.
RECURSION_LIMIT = 6000
DEBUG_ENV = "GENERATOR_DEBUG"  # set it to see the traceback of an internal error


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["gateway"]:
        return _gateway(argv[1:])
    args = _parser().parse_args(argv)
    progress = quiet if getattr(args, "quiet", False) else stderr_progress
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        if args.verb in spec_changes.VERBS:
            return spec_changes.run(args)
        targets = _targets(args)
        if args.verb == "generate":
            for target in targets:
                pipeline.generate(target, progress, force=args.force)
            return 0
        stale, foreign = [], []
        for target in targets:
            changed, added = pipeline.check(target, progress)
            stale += [(target, path) for path in changed]
            foreign += [(target, path) for path in added]
    except GeneratorError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except RecursionError:
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            "error: the spec nests too deeply to generate (Python recursion limit)",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # a generator bug: one line, never a traceback (unless asked)
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"error: internal error: {type(exc).__name__}: {one_line(str(exc))} (please report "
            f"it with the spec; set {DEBUG_ENV}=1 for the traceback)",
            file=sys.stderr,
        )
        return 3
    finally:
        sys.setrecursionlimit(limit)
    for target, path in stale:
        print(f"stale: {(target.package_dir / path).as_posix()}")
    for target, path in foreign:
        print(f"not written by the generator: {(target.package_dir / path).as_posix()}")
    if stale:
        print(f"{counted(len(stale), 'stale file')}; run `{generate_command(args)}`")
    if foreign:
        print(
            f"{counted(len(foreign), 'file')} the generator did not write; `generate` keeps them and"
            " refuses to run until they are moved out (or pass --force to delete them)"
        )
    return 1 if stale or foreign else 0


def generate_command(args: argparse.Namespace) -> str:
    """The ``generate`` command that brings what ``check`` compared up to date: an ad-hoc
    target's own arguments repeated, since without them generate works on the configured ones."""
    words = ["python", "-m", "generator", "generate"]
    if args.spec is not None:
        words += ["--spec", str(args.spec), "--out", str(args.out), "--package", args.package]
        if args.profile:
            words += ["--profile", args.profile]
        if args.import_name:
            words += ["--import-name", args.import_name]
        if args.distribution is True:
            words += ["--distribution"]
        elif args.distribution:
            words += ["--distribution", str(args.distribution)]
    for operation in args.operation:
        words += ["--operation", operation]
    return shlex.join(words)


def one_line(text: str) -> str:
    """A message as one terminal line: line breaks and other control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _gateway(argv: list[str]) -> int:
    try:
        from generator.gateway.serve import main as serve
    except ImportError as exc:
        print(
            f"error: the gateway needs its extra ({exc.name} is missing): "
            'pip install "openapi-client-generator[gateway]"',
            file=sys.stderr,
        )
        return 2
    return serve(argv)
