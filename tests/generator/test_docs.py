"""The Markdown docs written into generated packages, read back as a reader would.

Tables are parsed out of the Markdown files on disk and compared with the IR (names, wire
names, places, required marks, enum values, nested TypedDict keys); every relative link must
lead to a file; every snippet must run against a local recording server, which must see the
method, path and parameters the snippet names.
"""

from __future__ import annotations

import ast
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from support.full_stripe import Generated
from support.paths import ROOT
from support.recording_server import Recorded, Reply, recording_server
from support.snippet_args import call_arguments

from generator import pytypes
from generator.config import load_profiles, make_target
from generator.ir import Api, ListOf, Lit, MapOf, Operation, ParamsRef, TypeRef, UnionOf, walk
from generator.pipeline import produce

CHECKED_IN = ROOT / "generated" / "stripe"


# Reading Markdown back ---------------------------------------------------------------------
def _cells(line: str) -> list[str]:
    """A table row's cells: split on unescaped |, then \\| read back as |."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]


def _unfence(text: str) -> str:
    """The content of an inline code span (or the text itself when it is not one)."""
    match = re.fullmatch(r"(`+) ?(.*?) ?\1(?: \(.*\))?", text)
    return match.group(2) if match else text


def tables(markdown: str, heading: str) -> list[dict[str, str]]:
    """The rows of the first table under ``## heading``, as {column: cell}."""
    section = markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    start = next((i for i, line in enumerate(section) if line.startswith("|")), None)
    if start is None:
        return []
    lines = []
    for line in section[start:]:
        if not line.startswith("|"):
            break
        lines.append(line)
    header = _cells(lines[0])
    return [dict(zip(header, _cells(line), strict=True)) for line in lines[2:]]


def snippet_of(markdown: str) -> str:
    return markdown.split("```python\n", 1)[1].split("\n```", 1)[0] + "\n"


def enum_values(cell: str) -> list[Any]:
    return [ast.literal_eval(v) for v in re.findall(r"`([^`]+)`", cell)]


# The IR's view -----------------------------------------------------------------------------
def lit_values(t: TypeRef) -> list[Any]:
    return list(dict.fromkeys(v for u in walk(t) if isinstance(u, Lit) for v in u.values))


def typed_dicts(t: TypeRef, suffix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(t, ParamsRef):
        yield suffix, t.name
    elif isinstance(t, ListOf):
        yield from typed_dicts(t.item, suffix + "[i]")
    elif isinstance(t, MapOf):
        yield from typed_dicts(t.value, suffix + "[key]")
    elif isinstance(t, UnionOf):
        for m in t.members:
            yield from typed_dicts(m, suffix)


def expected_nested(api: Api, t: TypeRef, path: str, seen: frozenset[str]) -> Iterator[Any]:
    """(Python path, wire name, required, enum values) of every nested key, depth first."""
    params = {p.name: p for p in api.params_types}
    for suffix, name in typed_dicts(t):
        if name in seen:
            continue
        for f in params[name].fields:
            key = f"{path}{suffix}[{json.dumps(f.wire_name, ensure_ascii=False)}]"
            yield (key, f.wire_name, f.required, lit_values(f.type))
            yield from expected_nested(api, f.type, key, seen | {name})


def check_operation_page(api: Api, op: Operation, page: str) -> None:
    rows = tables(page, "Parameters")
    top = [r for r in rows if "[" not in _unfence(r["Python name"])]
    assert [_unfence(r["Python name"]) for r in top] == [p.py_name for p in op.parameters]
    nested_of: dict[str, list[Any]] = {}
    current = ""
    for r in rows:
        name = _unfence(r["Python name"])
        if "[" not in name:
            current = name
            nested_of[current] = []
        else:
            nested_of[current].append(
                (name, _unfence(r["Wire name"]), r["Required"] == "yes", enum_values(r["Values"]))
            )
    for p, r in zip(op.parameters, top, strict=True):
        assert _unfence(r["Wire name"]) == (p.wire_name or "(the whole body)")
        assert r["In"] == p.location
        assert _unfence(r["Type"]) == " ".join(pytypes.request_type(p.type).split())
        assert r["Required"] == ("yes" if p.required else "no")
        assert enum_values(r["Values"]) == lit_values(p.type)
        assert (r["Deprecated"] != "") == (p.deprecated is not None)
        expected = list(expected_nested(api, p.type, p.py_name, frozenset()))
        assert nested_of[p.py_name] == expected, p.py_name


def check_model_page(api: Api, name: str, page: str) -> None:
    model = next(m for m in api.models if m.name == name)
    rows = tables(page, "Fields") if "\n## Fields\n" in page else []
    assert [(_unfence(r["Python name"]), _unfence(r["Wire name"])) for r in rows] == [
        (f.py_name, f.wire_name) for f in model.fields
    ]
    assert [r["Required"] == "yes" for r in rows] == [f.required for f in model.fields]


def broken_links(docs: Path) -> list[str]:
    broken = []
    for page in docs.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+\.md)\)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).is_file():
                broken.append(f"{page.relative_to(docs)} -> {target}")
    return broken


# Running snippets --------------------------------------------------------------------------
def pointed_at(source: str, client_class: str, url: str) -> str:
    """The snippet with its client sent to ``url`` (the only change made to it)."""
    line = f"client = {client_class}()\n"
    assert source.count(line) == 1, source
    return source.replace(line, f"client = {client_class}(base_url={url!r})\n")


def check_request(op: Operation, args: dict[str, Any], seen: Recorded) -> None:
    """The server saw the operation's method and path, and every parameter the snippet names."""
    assert seen.method == op.method, op.py_name
    path = op.path
    sent: set[str] = set()
    for p in op.parameters:
        if p.py_name not in args:
            continue
        if p.location == "path":
            path = path.replace("{" + p.wire_name + "}", quote(str(args[p.py_name]), safe=""))
        elif p.location == "header":
            assert p.wire_name.lower() in seen.headers, (op.py_name, p.wire_name)
        else:
            sent.add(p.wire_name)
    url = urlsplit(seen.path)
    assert url.path == path, op.py_name
    keys = {k for k, _ in parse_qsl(url.query, keep_blank_values=True)}
    content_type = seen.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        keys |= {k for k, _ in parse_qsl(seen.body.decode(), keep_blank_values=True)}
    elif content_type.startswith("application/json"):
        body = json.loads(seen.body)
        keys |= set(body) if isinstance(body, dict) else {""}
    elif content_type.startswith("multipart/form-data"):
        keys |= set(re.findall(r'name="([^"]*)"', seen.body.decode("latin-1")))
    for wire in sent:
        assert any(k == wire or k.startswith(wire + "[") for k in keys), (op.py_name, wire, keys)


def run_snippets_in_process(gen: Generated, ops: list[Operation]) -> None:
    client_class = gen.api.profile.client_class
    with recording_server() as (url, recorder):
        for op in ops:
            page = (gen.root / "docs" / "operations" / f"{op.py_name}.md").read_text()
            source = snippet_of(page)
            before = len(recorder.requests)
            media = op.response.media_type or "application/json"
            recorder.default = Reply(200, b"%PDF-1.4" if op.response.kind == "binary" else {})
            recorder.default.headers["Content-Type"] = media
            exec(compile(pointed_at(source, client_class, url), op.py_name, "exec"), {})
            assert len(recorder.requests) == before + 1, op.py_name
            check_request(op, call_arguments(source), recorder.requests[-1])


# generated/stripe --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checked_in_api() -> Api:
    profile = load_profiles(ROOT)["stripe"]
    target = make_target(ROOT, Path("spec/stripe.yaml"), ROOT / "generated", "stripe", (), profile)
    return produce(target).api


def test_checked_in_docs_have_a_page_per_operation_and_model_matching_the_ir(
    checked_in_api: Api,
) -> None:
    docs = CHECKED_IN / "docs"
    index = (docs / "README.md").read_text(encoding="utf-8")
    for op in checked_in_api.operations:
        page = (docs / "operations" / f"{op.py_name}.md").read_text(encoding="utf-8")
        assert f"`{op.method} {op.path}`" in page
        check_operation_page(checked_in_api, op, page)
        assert f"](operations/{op.py_name}.md)" in index
    for m in checked_in_api.models:
        check_model_page(checked_in_api, m.name, (docs / "models" / f"{m.name}.md").read_text())
    assert broken_links(docs) == []
    rows = tables(index, "Operations")
    assert [r["Method"] for r in rows] == [
        "[`post_account_links`](operations/post_account_links.md)"
    ]
    assert "\n### account_links\n" in index


def test_nested_keys_are_listed_under_their_parameter(checked_in_api: Api) -> None:
    page = (CHECKED_IN / "docs" / "operations" / "post_account_links.md").read_text()
    names = [_unfence(r["Python name"]) for r in tables(page, "Parameters")]
    at = names.index("collection_options")
    assert names[at + 1 : at + 3] == [
        'collection_options["fields"]',
        'collection_options["future_requirements"]',
    ]


def test_checked_in_snippets_run_against_a_local_server(checked_in_api: Api) -> None:
    with recording_server() as (url, recorder):
        for op in checked_in_api.operations:
            page = (CHECKED_IN / "docs" / "operations" / f"{op.py_name}.md").read_text()
            source = snippet_of(page)
            run = subprocess.run(
                [sys.executable, "-c", pointed_at(source, "StripeClient", url)],
                cwd=ROOT,
                env={"PATH": os.environ.get("PATH", ""), "STRIPE_API_KEY": "sk_test_docs"},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert run.returncode == 0, run.stderr
            check_request(op, call_arguments(source), recorder.requests[-1])
    assert call_arguments(source) == {"account": "acct_123", "type": "account_onboarding"}


# The full Stripe spec ----------------------------------------------------------------------
@pytest.mark.slow
def test_full_stripe_docs_cover_every_operation_and_model(stripe_2023: Generated) -> None:
    api, docs = stripe_2023.api, stripe_2023.root / "docs"
    pages = sorted(p.stem for p in (docs / "operations").glob("*.md"))
    assert len(api.operations) == 468
    assert pages == sorted(op.py_name for op in api.operations)
    for op in api.operations:
        check_operation_page(api, op, (docs / "operations" / f"{op.py_name}.md").read_text())
    assert len(list((docs / "models").glob("*.md"))) == len(api.models)
    assert broken_links(docs) == []


@pytest.mark.slow
def test_a_sample_of_full_stripe_snippets_runs_against_a_local_server(
    stripe_2023: Generated,
) -> None:
    index = (stripe_2023.root / "docs" / "README.md").read_text(encoding="utf-8")
    operations = index.split("\n## Operations\n", 1)[1].split("\n## Models\n", 1)[0]
    by_name = {op.py_name: op for op in stripe_2023.api.operations}
    groups = {
        block.split("\n", 1)[0]: re.findall(r"^\| \[`(\w+)`\]", block, re.M)
        for block in operations.split("\n### ")[1:]
    }
    assert len(groups) > 50 and sum(map(len, groups.values())) == 468
    rng = random.Random(10)
    sample = {rng.choice(names) for names in groups.values()}  # every group once
    rest = sorted(set(by_name) - sample)
    sample |= set(rng.sample(rest, 120 - len(sample)))
    run_snippets_in_process(stripe_2023, [by_name[n] for n in sorted(sample)])


CREDENTIALED = """\
openapi: 3.0.3
info: {title: Books API, version: "2"}
servers: [{url: "https://books.example.com/v2"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
    basic: {type: http, scheme: basic}
security: [{key: []}, {basic: []}]
paths:
  /books:
    get:
      operationId: listBooks
      responses: {"200": {description: ok}}
"""


def test_package_readme_opens_with_how_to_construct_the_client(tmp_path: Path) -> None:
    (tmp_path / "books.yaml").write_text(CREDENTIALED, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-q", "--spec", "books.yaml",
         "--out", "out", "--package", "books"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "GENERATOR_CACHE_DIR": str(tmp_path / "c")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    readme = (tmp_path / "out" / "books" / "docs" / "README.md").read_text(encoding="utf-8")
    construct = readme.index("## Constructing the client")
    assert construct < readme.index("## Operations")
    section = readme[construct : readme.index("## Operations")]
    assert "with BooksClient(api_key=..., username=..., password=...) as client:" in section
    rows = tables(readme, "Constructing the client")
    assert [row["Argument"] for row in rows] == ["`api_key`", "`username`", "`password`"]
    assert rows[0] == {
        "Argument": "`api_key`",
        "Sent as": "the `X-API-Key` header",
        "Environment variable": "`BOOKS_API_KEY`",
    }
    flat = " ".join(section.split())
    for words in (
        "`BOOKS_USERNAME`",
        "`BOOKS_PASSWORD`",
        "HTTP basic auth (password)",
        "`base_url`: `https://books.example.com/v2`, the spec's server",
        "`timeout`: 80 s per attempt (30 s to connect)",
        "`max_retries`: 2;",
        "every exception is a `BooksError`",
    ):
        assert words in flat, words


def test_construct_section_reads_the_runtime_defaults_the_client_uses() -> None:
    """The README's defaults are read from the runtime's source (importing it costs a fifth of a
    second of every generation): they must be the values the imported runtime has."""
    from generator.templates.runtime._base_client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
    from generator.views.construct import runtime_defaults

    read, connect, retries = runtime_defaults()
    assert (read, connect, retries) == (
        DEFAULT_TIMEOUT.read,
        DEFAULT_TIMEOUT.connect,
        DEFAULT_MAX_RETRIES,
    )
