"""Multi-file specs: relative ``$ref``s to other local files are bundled; URLs and files outside
the spec's folder are refused; ``check`` notices a change in any file of the spec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from generator.errors import GeneratorError
from generator.load import load_document
from generator.parse import parse_document

ENTRY = """\
openapi: 3.0.3
info: {title: Files, version: '1'}
paths:
  /pets:
    $ref: paths/pets.yaml
  /pets/{petId}:
    get:
      $ref: operations/get_pet.yaml
"""
PETS = """\
get:
  operationId: listPets
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema:
            type: array
            items: {$ref: '../models/pet.yaml'}
"""
GET_PET = """\
operationId: getPet
parameters:
  - {name: petId, in: path, required: true, schema: {type: integer}}
responses:
  '200':
    description: ok
    content:
      application/json:
        schema: {$ref: '../models/pet.yaml'}
  '404':
    $ref: '../shared/responses.yaml#/not_found'
"""
PET = """\
type: object
properties:
  name: {type: string}
  owner: {$ref: '#/owner'}
  kind: {$ref: 'kinds.yaml#/Kind'}
owner:
  type: object
  properties:
    pets: {type: array, items: {$ref: 'pet.yaml'}}
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))


def write_spec(folder: Path, **changes: str) -> Path:
    files = {
        "api.yaml": ENTRY,
        "paths/pets.yaml": PETS,
        "operations/get_pet.yaml": GET_PET,
        "models/pet.yaml": PET,
        "models/kinds.yaml": "Kind: {type: string, enum: [cat, dog]}\n",
        "shared/responses.yaml": "not_found: {description: no such pet}\n",
    }
    for name, text in {**files, **{k.replace("__", "/"): v for k, v in changes.items()}}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / "api.yaml"


def test_files_are_bundled_into_one_document(tmp_path: Path) -> None:
    doc = load_document(write_spec(tmp_path))
    parse_document(doc)
    schemas = doc.data["components"]["schemas"]
    assert sorted(schemas) == ["Kind", "owner", "pet"]  # one component per schema, named so
    items = doc.data["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    assert items["schema"]["items"] == {"$ref": "#/components/schemas/pet"}
    assert schemas["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/pet"}
    get_pet = doc.data["paths"]["/pets/{petId}"]["get"]
    assert get_pet["operationId"] == "getPet"
    assert get_pet["responses"]["404"] == {"description": "no such pet"}
    assert doc.warnings == [
        "#/paths/~1pets~1{petId}/get: a $ref on an operation object (OpenAPI allows none there)"
        " was resolved"
    ]
    assert sorted(doc.files) == [
        "api.yaml",
        "models/kinds.yaml",
        "models/pet.yaml",
        "operations/get_pet.yaml",
        "paths/pets.yaml",
        "shared/responses.yaml",
    ]


def test_a_single_file_spec_is_left_as_it_is(tmp_path: Path) -> None:
    spec = tmp_path / "one.yaml"
    text = ENTRY.split("paths:")[0] + "paths: {}\n"
    spec.write_text(text)
    doc = load_document(spec)
    assert doc.files == {"one.yaml": doc.sha256}
    assert doc.warnings == []


@pytest.mark.parametrize(
    ("ref", "says"),
    [
        ("'../../outside.yaml'", "leaves the spec's folder"),
        ("'https://example.com/pet.yaml'", "names a URL; only files beside the spec are read"),
        ("'//example.com/pet.yaml'", "names a URL"),
        ("'nope.yaml'", "file models/nope.yaml does not exist"),
        (
            "'kinds.yaml#/Nope'",
            "dangling $ref 'kinds.yaml#/Nope': models/kinds.yaml has nothing at /Nope",
        ),
    ],
)
def test_bad_file_refs_name_the_file_and_pointer(tmp_path: Path, ref: str, says: str) -> None:
    (tmp_path / "outside.yaml").write_text("type: string\n")
    spec = write_spec(
        tmp_path / "spec", **{"models/pet.yaml": PET.replace("'kinds.yaml#/Kind'", ref)}
    )
    with pytest.raises(GeneratorError) as caught:
        load_document(spec)
    assert says in caught.value.message
    assert caught.value.file == str((tmp_path / "spec" / "models" / "pet.yaml").resolve())
    assert caught.value.where == "/properties/kind/$ref"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True
    )


def test_generate_then_check_notices_a_change_in_any_file(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec")
    adhoc = ["--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pets"]
    result = run("generate", *adhoc)
    assert result.returncode == 0, result.stderr
    assert "a $ref on an operation object" in result.stderr
    client = (tmp_path / "out" / "pets" / "_client.py").read_text()
    assert "def list_pets(" in client and "def get_pet(" in client
    assert (tmp_path / "out" / "pets" / "models" / "pet.py").is_file()
    assert run("check", *adhoc).returncode == 0
    kinds = tmp_path / "spec" / "models" / "kinds.yaml"
    kinds.write_text("Kind: {type: string, enum: [cat, dog, bird]}\n")
    result = run("check", *adhoc)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "stale:" in result.stdout
