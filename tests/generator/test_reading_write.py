"""Generating never destroys what the generator did not write, and a crash at any step of the
write leaves a whole package (the old or the new one), or one the next run repairs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from generator.write import CRASH_ENV, SWAP_ENV

pytestmark = pytest.mark.slow  # the fast lane leaves it out: kills generate at each step of a write

SPEC = """\
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"""
# The new spec renames the model: a module disappears, one appears, the client changes.
NEW_SPEC = SPEC.replace("Pet", "Animal").replace("getAnimal", "getPet")


def run(
    tmp_path: Path, *args: str, spec: str = SPEC, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    command = [sys.executable, "-m", "generator", args[0], "--spec", str(path)]
    command += ["--out", str(tmp_path / "out"), "--package", "pets", *args[1:]]
    environment = {**os.environ, "GENERATOR_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generate_refuses_a_users_folder_and_force_replaces_it(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "pets"
    folder.mkdir(parents=True)
    (folder / "thesis.txt").write_text("four years of work")
    result = run(tmp_path, "generate")
    assert result.returncode == 2
    assert "is not a package this generator wrote" in result.stderr
    assert "--force" in result.stderr
    assert snapshot(folder) == {"thesis.txt": b"four years of work"}
    assert [p.name for p in folder.parent.iterdir()] == ["pets"]  # nothing left beside it
    result = run(tmp_path, "generate", "--force")
    assert result.returncode == 0, result.stderr
    assert (folder / "_client.py").is_file() and not (folder / "thesis.txt").exists()


def test_an_empty_folder_is_simply_used(tmp_path: Path) -> None:
    (tmp_path / "out" / "pets").mkdir(parents=True)
    result = run(tmp_path, "generate")
    assert result.returncode == 0, result.stderr


def test_files_added_to_a_package_are_reported_and_kept(tmp_path: Path) -> None:
    assert run(tmp_path, "generate").returncode == 0
    folder = tmp_path / "out" / "pets"
    (folder / "helpers.py").write_text("def mine() -> int:\n    return 1\n")
    (folder / "models" / "notes.txt").write_text("notes")
    before = snapshot(folder)
    result = run(tmp_path, "check")
    assert result.returncode == 1
    assert f"not written by the generator: {(folder / 'helpers.py').as_posix()}" in result.stdout
    assert "models/notes.txt" in result.stdout and "stale:" not in result.stdout
    # generate refuses, even with a changed spec, and deletes nothing
    result = run(tmp_path, "generate", spec=NEW_SPEC)
    assert result.returncode == 2
    assert "not written by the generator: helpers.py, models/notes.txt" in result.stderr
    assert snapshot(folder) == before
    result = run(tmp_path, "generate", "--force", spec=NEW_SPEC)
    assert result.returncode == 0, result.stderr
    assert not (folder / "helpers.py").exists() and not (folder / "models" / "notes.txt").exists()
    assert (folder / "models" / "animal.py").is_file()


def test_modules_an_older_spec_had_are_ours_to_remove(tmp_path: Path) -> None:
    assert run(tmp_path, "generate").returncode == 0
    folder = tmp_path / "out" / "pets"
    assert (folder / "models" / "pet.py").is_file()
    result = run(tmp_path, "generate", spec=NEW_SPEC)
    assert result.returncode == 0, result.stderr
    assert not (folder / "models" / "pet.py").exists()
    # files without a header (docs, data) are known from the manifest's list: none is left
    listed = json.loads((folder / "manifest.json").read_text())["files"]
    assert set(snapshot(folder)) == {*listed, "manifest.json"}


@pytest.mark.parametrize(
    ("swap", "step"),
    [
        ("exchange", "staged"),
        ("exchange", "swapped"),
        ("rename", "staged"),
        ("rename", "retired"),
        ("rename", "swapped"),
    ],
)
def test_a_kill_at_any_step_leaves_a_whole_package(tmp_path: Path, swap: str, step: str) -> None:
    assert run(tmp_path, "generate", spec=NEW_SPEC).returncode == 0
    new = snapshot(tmp_path / "out" / "pets")
    (tmp_path / "out" / "pets").rename(tmp_path / "new")
    assert run(tmp_path, "generate").returncode == 0
    folder = tmp_path / "out" / "pets"
    old = snapshot(folder)
    env = {CRASH_ENV: step, SWAP_ENV: swap}
    result = run(tmp_path, "generate", spec=NEW_SPEC, env=env)
    assert result.returncode == -9, result.stderr  # killed, as a crash would
    if swap == "rename" and step == "retired":
        # the one moment without a package: the old one, whole, waits beside it
        assert not folder.exists()
        (aside,) = folder.parent.glob(".pets.old-*")
        assert snapshot(aside) == old
    else:
        assert snapshot(folder) == (new if step == "swapped" else old)
    result = run(tmp_path, "generate", spec=NEW_SPEC)  # the next run repairs and finishes
    assert result.returncode == 0, result.stderr
    assert snapshot(folder) == new
    assert [p.name for p in folder.parent.iterdir()] == ["pets"]
