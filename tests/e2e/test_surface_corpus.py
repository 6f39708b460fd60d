"""Resource namespaces grouped by tag on three real corpus APIs: every operation is reachable
from the sync and the async client under its namespace, the packages pass mypy --strict, and a
call through a namespace sends the operation's method and path."""

from __future__ import annotations

import contextlib
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.corpus import CORPUS_DIR
from support.paths import ROOT
from support.recording_server import Recorder

from generator.config import make_target
from generator.pipeline import produce
from generator.surface import build_surface
from generator.write import write_package

SPECS = {"petstore3.yaml": "tag_petstore", "museum.yaml": "tag_museum", "figma.yaml": "tag_figma"}


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any, Path]]:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"{CORPUS_DIR} is absent: the shared corpus sits beside the clone only in CI")
    out = tmp_path_factory.mktemp("tagged")
    built = {}
    sys.path.insert(0, str(out))
    for spec, package in SPECS.items():
        target = make_target(ROOT, CORPUS_DIR / spec, out, package, (), {"surface": "resources"})
        output = produce(target)
        write_package(target.package_dir, output.files)
        built[spec] = (output.api, importlib.import_module(package), target.package_dir)
    yield built
    sys.path.remove(str(out))


@pytest.mark.slow
def test_every_operation_is_reachable_by_tag_sync_and_async(
    tagged: dict[str, tuple[Any, Any, Path]],
) -> None:
    for spec, (api, package, _) in tagged.items():
        surface = build_surface(api)
        assert surface.grouping == "tag", spec
        tags = {t for op in api.operations for t in op.tags[:1]}
        assert len(surface.root.children) >= min(len(tags), 2), spec
        names = {cls: getattr(package, cls) for cls in dir(package) if cls.endswith("Client")}
        assert len(names) >= 1
        for op in api.operations:
            *spaces, method = surface.where[op.operation_id]
            for client_class in (api.profile.client_class, api.profile.async_client_class):
                cls = getattr(package, client_class)
                node: Any = cls
                for space in spaces:  # namespace properties, then the namespace's class
                    prop = getattr(node, space)
                    node = prop.func.__annotations__["return"] if hasattr(prop, "func") else prop
                    node = _resolve(package, node)
                assert callable(getattr(node, method)), (spec, op.operation_id, client_class)


def _resolve(package: Any, annotation: Any) -> Any:
    """A namespace class from its (string) annotation: it lives in one of resources/*."""
    if not isinstance(annotation, str):
        return annotation
    folder = Path(package.__file__).parent / "resources"
    for module in sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__"):
        loaded = importlib.import_module(f"{package.__name__}.resources.{module}")
        if hasattr(loaded, annotation):
            return getattr(loaded, annotation)
    raise AssertionError(f"no class {annotation}")


@pytest.mark.slow
def test_a_tagged_namespace_call_sends_its_request(
    tagged: dict[str, tuple[Any, Any, Path]], server: tuple[str, Recorder]
) -> None:
    api, package, _ = tagged["petstore3.yaml"]
    url, recorder = server
    client = getattr(package, api.profile.client_class)(base_url=url)
    with contextlib.suppress(Exception):  # the recording server's empty response need not parse
        client.pet.get_by_id(7)
    assert [(r.method, r.path) for r in recorder.requests] == [("GET", "/pet/7")]


@pytest.mark.slow
def test_tagged_packages_pass_mypy_strict(tagged: dict[str, tuple[Any, Any, Path]]) -> None:
    folders = [str(folder) for _, _, folder in tagged.values()]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *folders],
        capture_output=True,
        text=True,
        cwd=Path(folders[0]).parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]
