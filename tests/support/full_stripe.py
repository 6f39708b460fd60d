"""The whole Stripe API, generated once per test session: both shared specs, into a temporary
folder (session fixtures, made visible to every test module by conftest)."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from generator.config import make_target
from generator.ir import Api
from generator.pipeline import produce
from generator.write import write_package
from support.paths import ROOT, shared_spec

SPECS = {"stripe_2023": "spec3.2023-09-12.yaml", "stripe_2022": "spec3.2022-04-12.json"}


@dataclass
class Generated:
    api: Api
    package: ModuleType
    root: Path
    spec: Path


@pytest.fixture(scope="session")
def full_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    out = tmp_path_factory.mktemp("full")
    sys.path.insert(0, str(out))
    built = {}
    for package, spec_name in SPECS.items():
        spec = shared_spec(spec_name)
        target = make_target(ROOT, spec, out, package, (), {})
        output = produce(target)
        write_package(target.package_dir, output.files)
        api = output.api
        built[package] = Generated(api, importlib.import_module(package), out / package, spec)
    return built


@pytest.fixture(scope="session")
def stripe_2023(full_packages: dict[str, Generated]) -> Generated:
    return full_packages["stripe_2023"]
