"""Generated modules' imports: pruned and sorted as ruff (rules F and I, its defaults) wants."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.imports import tidy

MODULE = '''\
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from collections.abc import Mapping, Sequence
import httpx
import json

from .._models import BaseObject, REQUIRED
from ._base_client import FileInput
from ..params.verify import VerifyBody10, VerifyBody5, VerifyBody11

if TYPE_CHECKING:
    from .models.unused import Unused
    from ..x import Kept as Kept


class Thing(BaseObject):
    """Any of the things: Literal prose must not keep an import."""

    kind: Literal["a"] = REQUIRED
    client: httpx.Client
    body: VerifyBody5 | VerifyBody10 | VerifyBody11
    later: "Mapping[str, int]"
    other: SomeLongClassName | AnotherLongClassName


from .other_models_with_a_long_module_name import SomeLongClassName, AnotherLongClassName  # noqa: E402
'''


def test_unused_imports_go_and_blocks_are_sorted() -> None:
    assert (
        tidy(MODULE)
        == '''\
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import httpx

from .._models import REQUIRED, BaseObject
from ..params.verify import VerifyBody5, VerifyBody10, VerifyBody11

if TYPE_CHECKING:
    from ..x import Kept as Kept


class Thing(BaseObject):
    """Any of the things: Literal prose must not keep an import."""

    kind: Literal["a"] = REQUIRED
    client: httpx.Client
    body: VerifyBody5 | VerifyBody10 | VerifyBody11
    later: "Mapping[str, int]"
    other: SomeLongClassName | AnotherLongClassName


from .other_models_with_a_long_module_name import (  # noqa: E402
    AnotherLongClassName,
    SomeLongClassName,
)
'''
    )


def test_an_emptied_type_checking_block_goes_with_its_import() -> None:
    text = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .a import B\n\nx = 1\n"
    assert tidy(text) == "\n\nx = 1\n"


def test_tidy_output_passes_ruff(tmp_path: Path) -> None:
    package = tmp_path / "pkg" / "sub"
    package.mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text(tidy(MODULE))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--select",
            "F,I",
            str(package / "mod.py"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
