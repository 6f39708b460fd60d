"""Every mistake a new user makes gets a response that says what is wrong and what to do: each
checked through a real subprocess of the command line (exit status and the message's key words)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT
from support.recording_server import Recorder

from generator.cli import _parser
from generator.gateway.serve import parser as gateway_parser

BOOKS = """\
openapi: 3.0.3
info: {title: Bookstore API, version: "1.0"}
servers: [{url: https://books.example.com}]
paths:
  /v1/books/{bookId}:
    get:
      operationId: getBook
      parameters:
        - {name: bookid, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /v1/shelves/{shelfId}/books:
    get:
      operationId: listShelfBooks
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /v1/books:
    get:
      operationId: listBooks
      responses:
        "200": {description: ok}
    post:
      operationId: listBooks
      responses:
        "201": {description: created}
"""


def run(cwd: Path, *args: str, cache: str = ".cache") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GENERATOR_CACHE_DIR": str(cwd / cache)}
    env.pop("GENERATOR_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def books(tmp_path: Path) -> Path:
    (tmp_path / "books.yaml").write_text(BOOKS, encoding="utf-8")
    return tmp_path


ADHOC = ("--spec", "books.yaml", "--out", "out", "--package", "bookstore")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bookstore generated once: its folder and what generate printed on stderr."""
    where = tmp_path_factory.mktemp("books")
    (where / "books.yaml").write_text(BOOKS, encoding="utf-8")
    done = run(where, "generate", *ADHOC)
    assert done.returncode == 0, done.stderr
    return where, done.stderr


def test_path_template_names_are_bound_and_said(
    generated: tuple[Path, str], server: tuple[str, Recorder]
) -> None:
    books, stderr = generated
    lines = [line for line in stderr.splitlines() if "path template" in line]
    case, missing = sorted(lines)
    # {bookId} with a parameter 'bookid': bound, and the warning names operation, template, params
    assert "getBook" in case and "{bookId}" in case and "'bookid'" in case and "rename" in case
    assert "#/paths/~1v1~1books~1{bookId}/get" in case
    # {shelfId} with no parameter at all: a required argument, and what to declare
    assert "listShelfBooks" in missing and "{shelfId}" in missing and "'limit'" not in missing
    assert "declare it" in missing
    url, recorder = server
    sys.path.insert(0, str(books / "out"))
    try:
        from bookstore import BookstoreClient  # type: ignore[import-not-found]

        with BookstoreClient(base_url=url) as client:
            client.get_book(book_id="b-42")
            client.list_shelf_books(shelf_id="s 1")
    finally:
        sys.path.remove(str(books / "out"))
        for name in [m for m in sys.modules if m == "bookstore" or m.startswith("bookstore.")]:
            del sys.modules[name]
    assert [r.path for r in recorder.requests] == ["/v1/books/b-42", "/v1/shelves/s%201/books"]


def test_out_pointing_at_a_file_is_exit_2(books: Path) -> None:
    (books / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = run(books, "generate", "--spec", "books.yaml", "--out", "notes.txt", "--package", "b")
    assert done.returncode == 2, done.stderr
    assert "--out is a file, not a folder" in done.stderr and "notes.txt" in done.stderr
    assert "internal error" not in done.stderr
    assert (books / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_duplicate_operation_ids_warn_with_both_pointers(generated: tuple[Path, str]) -> None:
    (line,) = [line for line in generated[1].splitlines() if "also used" in line]
    assert "#/paths/~1v1~1books/post/operationId" in line
    assert "#/paths/~1v1~1books/get/operationId" in line
    assert "list_books_2" in line and "its own operationId" in line


def test_unknown_operation_suggests_the_nearest_and_lists_the_known(books: Path) -> None:
    done = run(books, "generate", *ADHOC, "--operation", "getBooks")
    assert done.returncode == 2, done.stderr
    assert "no operation with ID getBooks" in done.stderr
    assert "did you mean getBook" in done.stderr
    assert "getBook, listBooks, listShelfBooks" in done.stderr
    assert not (books / "out").exists()


def test_unknown_profile_suggests_the_nearest_and_lists_the_known(books: Path) -> None:
    done = run(books, "generate", *ADHOC, "--profile", "strpie")
    assert done.returncode == 2, done.stderr
    assert "no profile 'strpie'" in done.stderr and "did you mean stripe?" in done.stderr
    assert "known profiles" in done.stderr and "[tool.generator.profiles." in done.stderr
    diff = run(books, "diff", "--profile", "nope", "books.yaml", "books.yaml")
    assert diff.returncode == 2 and "known profiles" in diff.stderr, diff.stderr


def test_swagger_2_says_to_convert_it_first(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").write_text(
        'swagger: "2.0"\ninfo: {title: Old, version: "1"}\npaths: {}\n', encoding="utf-8"
    )
    done = run(tmp_path, "generate", "--spec", "swagger.yaml", "--out", "o", "--package", "old")
    assert done.returncode == 2, done.stderr
    assert "swagger.yaml#/swagger" in done.stderr and "Swagger 2.0" in done.stderr
    assert "convert it to OpenAPI 3 first" in done.stderr and "swagger2openapi" in done.stderr


def test_check_repeats_the_ad_hoc_arguments_in_its_hint(books: Path) -> None:
    args = (*ADHOC, "--operation", "getBook")
    done = run(books, "check", *args)
    assert done.returncode == 1
    hint = done.stdout.strip().splitlines()[-1]
    command = hint.split("run `")[1].rstrip("`")
    assert command == (
        "python -m generator generate --spec books.yaml --out out --package bookstore"
        " --operation getBook"
    )
    # the hint works as given, and its counts read as English
    again = run(books, *command.split()[3:], cache=".cold")  # a cold run prints every step
    assert again.returncode == 0, again.stderr
    assert "built 1 operation, 0 models, 0 parameter types" in again.stderr
    assert run(books, "check", *args).returncode == 0


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {n}", a) for n, a in _options(sub)]
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            found.append((action.option_strings[-1] if action.option_strings else action.dest, action))
    return found


def test_every_option_has_help_that_gives_its_default() -> None:
    options = _options(_parser()) + [(f"gateway {n}", a) for n, a in _options(gateway_parser())]
    assert len(options) > 30
    undescribed = [name for name, action in options if not action.help]
    assert undescribed == []
    no_default = [
        name
        for name, action in options
        if action.option_strings and not action.required and "default" not in str(action.help)
    ]
    assert no_default == []


def test_gateway_and_diff_help_describe_every_option(tmp_path: Path) -> None:
    gateway = run(tmp_path, "gateway", "--help")
    assert gateway.returncode == 0, gateway.stderr
    text = " ".join(gateway.stdout.split())
    for words in (
        "--host HOST the address to listen on (default: 127.0.0.1)",
        "--port PORT the port to listen on (default: 8080)",
        "--workers WORKERS server processes",
        "--body-limit BYTES larger request bodies get 413 (default: 1048576)",
        "--connect-timeout SECONDS upstream connect timeout (default: 5.0)",
    ):
        assert words in text, words
    diff = run(tmp_path, "diff", "--help")
    text = " ".join(diff.stdout.split())
    assert "OLD_SPEC the spec before the change" in text
    assert "NEW_SPEC the spec after the change" in text


def test_undocumented_parameters_get_no_filler(generated: tuple[Path, str]) -> None:
    books = generated[0]
    client = (books / "out" / "bookstore" / "_client.py").read_text(encoding="utf-8")
    assert "(no description)" not in client
    assert "limit: Sent as the query parameter 'limit'." in client
    env = {**os.environ, "PYTHONPATH": str(books / "out")}
    helped = subprocess.run(
        [sys.executable, "-m", "bookstore", "list-shelf-books", "--help"],
        cwd=books,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert helped.returncode == 0, helped.stderr
    assert "(no description)" not in helped.stdout
    assert "Sent as the query parameter 'limit'." in " ".join(helped.stdout.split())
