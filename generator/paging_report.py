"""Which operations of a spec page, in which style, and which list-shaped ones do not (and why).

``python -m generator.paging_report SPEC...`` prints one Markdown table per document: the
operations that page and their style, then the list-shaped operations left without paging with
the reason. ``--summary`` prints one row per document instead.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from generator.errors import GeneratorError
from generator.ir import Api, Operation, Pagination


def _where(p: Pagination) -> str:
    parts = [f"items `{'.'.join(p.items) or '(body)'}`"]
    if p.param:
        parts.append(f"sets `{p.param}`")
    if p.next:
        parts.append(f"from `{'.'.join(p.next)}`")
    if p.header:
        parts.append(f"header `{p.header}`")
    if p.limit:
        parts.append(f"size `{p.limit}`")
    if p.total:
        parts.append(f"total `{'.'.join(p.total)}`")
    if p.has_more:
        parts.append(f"more `{'.'.join(p.has_more)}`")
    return ", ".join(parts)


def paged(api: Api) -> list[Operation]:
    return [op for op in api.operations if op.paging is not None]


def unpaged(api: Api) -> list[Operation]:
    return [op for op in api.operations if op.paging is None and op.paging_note]


def table(name: str, api: Api) -> str:
    lines = [f"### {name}", ""]
    lines += ["| operation | style | how |", "| --- | --- | --- |"]
    for op in paged(api):
        assert op.paging is not None
        lines.append(f"| `{op.operation_id}` | {op.paging.style} | {_where(op.paging)} |")
    left = unpaged(api)
    if left:
        lines += ["", "| list-shaped, not paged | why |", "| --- | --- |"]
        lines += [f"| `{op.operation_id}` | {op.paging_note} |" for op in left]
    return "\n".join(lines) + "\n"


def summary_row(name: str, api: Api) -> str:
    styles = Counter(op.paging.style for op in paged(api) if op.paging is not None)
    notes = Counter(op.paging_note.split(":")[0].split(" (")[0] for op in unpaged(api))
    style_text = ", ".join(f"{s} {n}" for s, n in sorted(styles.items())) or "-"
    note_text = "; ".join(f"{n} x {why}" for why, n in notes.most_common()) or "-"
    return f"| {name} | {len(paged(api))} | {style_text} | {len(unpaged(api))} | {note_text} |"


def _api(spec: Path) -> Api:
    from generator.load import load_document
    from generator.spec_ir import build_ir

    return build_ir(load_document(spec), spec.name, {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.paging_report")
    parser.add_argument("specs", nargs="+", type=Path)
    parser.add_argument("--summary", action="store_true", help="one row per document")
    args = parser.parse_args(argv)
    if args.summary:
        print("| document | paged | styles | list-shaped, not paged | why not |")
        print("| --- | --- | --- | --- | --- |")
    failed = 0
    for spec in args.specs:
        try:
            api = _api(spec)
        except GeneratorError as exc:  # one unreadable document does not stop the report
            print(f"paging_report: {exc}", file=sys.stderr)
            failed = 2
            continue
        print(summary_row(spec.name, api) if args.summary else table(spec.name, api))
    return failed


if __name__ == "__main__":
    sys.exit(main())
