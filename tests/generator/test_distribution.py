"""Installable client packages (``distribution``): the project files, and a real ``pip install``
into a fresh virtual environment, called from another working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from support.paths import ROOT
from support.recording_server import Recorder, Reply

from generator.config import Target, make_target
from generator.distribution import distribution_name, pep440_version
from generator.errors import GeneratorError
from generator.pipeline import check, generate

SPEC = """openapi: 3.0.3
info: {title: Bookstore API, version: 1.2-beta.3}
servers: [{url: "https://books.example.com/v1"}]
paths:
  /books/{book}:
    get:
      operationId: getBook
      parameters: [{name: book, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, title: {type: string}}
"""


@pytest.mark.parametrize(
    ("given", "version"),
    [
        ("2023-10-16", "2023.10.16"),
        ("1.0.0", "1.0.0"),
        ("v2", "2"),
        ("1.2-beta.3", "1.2b3"),
        ("1.0.0-RC1", "1.0.0rc1"),
        ("1.0.post2", "1.0.post2"),
        ("1.0.dev", "1.0.dev0"),
        ("2.0-alpha", "2.0a0"),
        ("01.002", "1.2"),
        ("1!2.0", "1!2.0"),
        ("latest", "0"),
        ("2023-10-16.acacia", "2023.10.16"),
        ("v1beta1", "1b1"),
    ],
)
def test_version_is_pep440(given: str, version: str) -> None:
    assert pep440_version(given) == version


def test_project_name_is_normalized() -> None:
    assert distribution_name("Book_Store.client") == "book-store-client"


def _target(tmp_path: Path, distribution: str = "bookstore-client") -> Target:
    spec = tmp_path / "bookstore.yaml"
    spec.write_text(SPEC)
    return make_target(
        tmp_path, spec, Path("clients"), "bookstore", (), {}, distribution=distribution
    )


def test_project_files_are_written_checked_and_deterministic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    target = _target(tmp_path)
    generate(target)
    folder = target.package_dir
    project = tomllib.loads((folder / "pyproject.toml").read_text())
    assert project["project"]["name"] == "bookstore-client"
    assert project["project"]["version"] == "1.2b3"
    assert project["project"]["requires-python"] == ">=3.11"
    assert project["project"]["dependencies"] == ["httpx>=0.27,<1", "pydantic>=2.7,<3"]
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["sources"] == {"": "bookstore"}
    readme = (folder / "README.md").read_text()
    assert "from bookstore import BookstoreClient" in readme
    assert "pip install ./bookstore" in readme
    listed = json.loads((folder / "manifest.json").read_text())["files"]
    assert {"pyproject.toml", "README.md", "py.typed"} <= set(listed)
    assert check(target) == ([], [])
    # the same bytes from another working directory, without the cache
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache2"))
    monkeypatch.chdir(tmp_path / "clients")
    assert generate(target) == []
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    # a hand edit of a project file is stale, like any generated file
    (folder / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
    assert check(target)[0] == ["pyproject.toml"]


def test_a_project_file_the_user_wrote_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    plain = _target(tmp_path, distribution="")
    generate(plain)
    mine = plain.package_dir / "pyproject.toml"
    mine.write_text("[project]\nname = 'mine'\n")  # the user's own, before distribution was on
    with pytest.raises(GeneratorError, match=r"pyproject\.toml"):
        generate(_target(tmp_path))
    assert mine.read_text() == "[project]\nname = 'mine'\n"


def test_bad_distribution_setting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.generator.targets]]\nspec = "s.yaml"\nout = "o"\npackage = "p"\n'
        'distribution = "no spaces allowed"\n'
    )
    from generator.config import load_targets

    with pytest.raises(GeneratorError, match="distribution must be true, false or a project name"):
        load_targets(tmp_path)


def _venv(folder: Path) -> Path:
    venv.create(folder, with_pip=True)
    return folder / "bin" / "python"


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_and_call_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: tuple[str, Recorder]
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    target = _target(tmp_path)
    generate(target)
    python = _venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", str(target.package_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # pip builds out of tree: nothing appears in the folder the generator owns
    assert check(target) == ([], [])
    url, recorder = server
    recorder.replies.append(Reply(200, {"id": "b1", "title": "Dune"}))
    elsewhere = tmp_path / "app"
    elsewhere.mkdir()
    script = (
        "import bookstore, sys\n"
        "assert 'site-packages' in bookstore.__file__, bookstore.__file__\n"
        f"client = bookstore.BookstoreClient(base_url={url!r})\n"
        "book = client.get_book(book='b1')\n"
        "print(type(book).__name__, book.title)\n"
    )
    run = subprocess.run(
        [python, "-c", script], capture_output=True, text=True, env=env, cwd=elsewhere
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-1] == "Dune"
    assert recorder.requests[-1].method == "GET"
    assert recorder.requests[-1].path == "/books/b1"
    # the installed package is typed (py.typed ships) and the command line runs
    typed = subprocess.run(
        [
            python,
            "-c",
            "import importlib.resources as r; print(r.files('bookstore').joinpath('py.typed').is_file())",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
    )
    assert typed.stdout.strip() == "True"


@pytest.mark.slow
def test_wheel_and_sdist_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    target = _target(tmp_path)
    generate(target)
    dist = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(dist),
            str(target.package_dir),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = dist.glob("bookstore_client-1.2b3-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "bookstore/__init__.py" in names
    assert "bookstore/py.typed" in names
    assert "bookstore/models/__init__.py" in names
    assert "bookstore/pyproject.toml" not in names
    metadata = zipfile.ZipFile(wheel).read("bookstore_client-1.2b3.dist-info/METADATA").decode()
    assert "Requires-Dist: httpx<1,>=0.27" in metadata
    assert "Requires-Python: >=3.11" in metadata
    assert check(target) == ([], [])


def test_checked_in_stripe_package_is_a_project() -> None:
    project = tomllib.loads((ROOT / "generated" / "stripe" / "pyproject.toml").read_text())
    assert project["project"]["name"] == "stripe-generated-client"
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["sources"] == {"": "stripe"}
