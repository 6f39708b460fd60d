"""The one import decision: views name what a module uses, ``Imports`` writes the statements
as ruff's isort (rules F and I, its defaults) wants them, and nothing else touches them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from generator.config import make_target
from generator.pipeline import produce
from generator.views.imports import Imports


def _ruff(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,I"]
    return subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)


def test_a_block_is_sorted_grouped_and_wrapped_as_ruff_writes_it() -> None:
    homes = {"VerifyBody5": ".params.verify", "VerifyBody10": ".params.verify"}
    homes |= {"VerifyBody11": ".params.verify", "Account": ".models.account"}
    imports = Imports("models", homes).add("__future__", "annotations").module("httpx")
    imports.use("Literal", "TYPE_CHECKING", "Mapping", "REQUIRED", "BaseObject", "VerifyBody11")
    imports.use("VerifyBody10", "VerifyBody5", "Account", "Field")
    imports.add(
        ".models.other_models_with_a_rather_long_module_name", "SomeRatherLongClassName", "AnotherClass"
    )
    imports.add(".models.kept", "Kept", alias="Kept")
    assert imports.block() == (
        "from __future__ import annotations\n"
        "\n"
        "from collections.abc import Mapping\n"
        "from typing import TYPE_CHECKING, Literal\n"
        "\n"
        "import httpx\n"
        "from pydantic import Field\n"
        "\n"
        "from .._models import REQUIRED, BaseObject\n"
        "from ..params.verify import VerifyBody5, VerifyBody10, VerifyBody11\n"
        "from .account import Account\n"
        "from .kept import Kept as Kept\n"
        "from .other_models_with_a_rather_long_module_name import (\n"
        "    AnotherClass,\n"
        "    SomeRatherLongClassName,\n"
        ")"
    )


def test_a_name_without_a_source_is_an_error_not_a_missing_import() -> None:
    with pytest.raises(KeyError, match="Customer"):
        Imports().use("Customer")


def test_a_written_block_passes_ruff(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "models").mkdir(parents=True)
    for init in (package / "__init__.py", package / "models" / "__init__.py"):
        init.write_text("")
    imports = Imports("models", {"Zeta": ".models.zeta", "alpha": ".models.zeta"})
    imports.add("__future__", "annotations").use("REQUIRED", "Zeta", "alpha", "Sequence", "Any")
    body = "\nX: Sequence[Zeta] | Any = REQUIRED\nY = alpha\n"
    (package / "models" / "mod.py").write_text(imports.block() + "\n" + body)
    result = _ruff(package / "models" / "mod.py")
    assert result.returncode == 0, result.stdout


SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "Kinds", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/kinds": {
            "get": {
                "operationId": "GetKind",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Kind"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            # A value that reads like a class name, and prose that reads like a bad escape:
            # neither is a use of anything.
            "Kind": {
                "type": "object",
                "description": "Either a\\q or Customer | None",
                "properties": {
                    "kind": {"type": "string", "enum": ["Customer"]},
                    "note": {"type": "string", "description": "Customer"},
                },
            },
            "Customer": {"type": "object", "properties": {"id": {"type": "string"}}},
        }
    },
}


def test_generated_modules_import_exactly_what_they_use(tmp_path: Path) -> None:
    spec = tmp_path / "kinds.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    target = make_target(ROOT, spec, tmp_path / "out", "kinds", (), {})
    files = produce(target).files
    kind = files["models/kind.py"]
    assert "Customer" not in kind.split("class Kind")[0]  # imports nothing for the text
    package = tmp_path / "out" / "kinds"
    for path, text in files.items():
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text(text, encoding="utf-8")
    result = _ruff(package)
    assert result.returncode == 0, result.stdout
