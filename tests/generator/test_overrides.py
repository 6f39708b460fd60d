"""Template overrides: an override changes exactly its own output; a Jinja error, an undefined
name or invalid Python from one fails with the template and line and leaves the previous
package as it was; overrides for another contract version, or for no built-in template, are
refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT

from generator.config import Target, make_target
from generator.errors import GeneratorError
from generator.overrides import CONTRACT_VERSION, builtin_templates
from generator.paths import templates_root
from generator.pipeline import check, generate

CONTRACT = f"{{# contract: {CONTRACT_VERSION} #}}\n"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))


def _target(out: Path, templates: Path | None) -> Target:
    return make_target(ROOT, Path("spec/stripe.yaml"), out, "stripe", (), {}, templates=templates)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _builtin(name: str) -> str:
    return (Path(str(templates_root())) / name).read_text(encoding="utf-8")


def _override(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return folder


def test_an_override_changes_exactly_its_own_output(tmp_path: Path) -> None:
    plain = _target(tmp_path / "plain", None)
    generate(plain)
    custom = _override(
        tmp_path / "mine",
        "_options.py.jinja",
        CONTRACT
        + _builtin("_options.py.jinja").replace(
            '"""Per-call settings accepted by every method."""',
            '"""Per-call settings accepted by every method.\n\nACME Corp: internal use only."""',
        ),
    )
    target = _target(tmp_path / "custom", custom)
    generate(target)
    before, after = _tree(plain.package_dir), _tree(target.package_dir)
    changed = {p for p in before if before[p] != after.get(p)}
    assert changed == {"_options.py"}
    assert b"ACME Corp: internal use only." in after["_options.py"]
    assert check(target) == ([], [])
    # an edit of the override is a new output (the cache key covers its bytes)
    _override(custom, "_options.py.jinja", CONTRACT + _builtin("_options.py.jinja"))
    assert check(target)[0] == ["_options.py"]


def test_a_docs_template_can_be_overridden(tmp_path: Path) -> None:
    custom = _override(
        tmp_path / "mine",
        "docs/index.md.jinja",
        CONTRACT + "# {{ api.title }}: see the wiki\n",
    )
    target = _target(tmp_path / "out", custom)
    generate(target)
    page = (target.package_dir / "docs" / "README.md").read_text()
    assert page.endswith("\n\n# Stripe API: see the wiki\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CONTRACT + "{{ header }}\n{% for x in %}\n", r"_options\.py\.jinja, line 3"),
        (
            CONTRACT + "{{ header }}\n\n{{ no_such_name }}\n",
            r"no_such_name.*_options\.py\.jinja, line 4",
        ),
        (
            CONTRACT + "{{ header }}\nclass RequestOptions(:\n    pass\n",
            r"_options\.py\.jinja.*, line 3\) rendered invalid Python: .* in _options\.py, line 2",
        ),
    ],
    ids=["jinja-syntax", "undefined-name", "invalid-python"],
)
def test_a_broken_override_fails_clearly_and_leaves_the_package(
    tmp_path: Path, text: str, message: str
) -> None:
    target = _target(tmp_path / "out", None)
    generate(target)
    before = _tree(target.package_dir)
    custom = _override(tmp_path / "mine", "_options.py.jinja", text)
    with pytest.raises(GeneratorError, match=message):
        generate(_target(tmp_path / "out", custom))
    assert _tree(target.package_dir) == before
    assert not list((tmp_path / "out").glob(".stripe.*"))  # no half-written tree beside it


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("_options.py.jinja", "{{ header }}\n", r"does not say which context contract"),
        (
            "_options.py.jinja",
            "{# contract: 0 #}\n{{ header }}\n",
            r"written for context contract 0, and this generator gives contract 1",
        ),
        ("_optoins.py.jinja", CONTRACT, r"'_optoins\.py\.jinja' replaces no built-in template"),
    ],
    ids=["no-contract", "old-contract", "unknown-template"],
)
def test_overrides_the_generator_cannot_trust_are_refused(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    custom = _override(tmp_path / "mine", name, text)
    with pytest.raises(GeneratorError, match=message):
        generate(_target(tmp_path / "out", custom))
    assert not (tmp_path / "out").exists()


def test_every_builtin_template_is_documented() -> None:
    guide = (ROOT / "docs" / "guide" / "templates.md").read_text()
    assert f"Contract version: **{CONTRACT_VERSION}**" in guide
    for name in builtin_templates():
        assert f"`{name}`" in guide, name
