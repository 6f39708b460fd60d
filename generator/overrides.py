"""Template overrides (``templates = "path/"`` in a target): a file there replaces the built-in
template of the same relative name; the rest stay built-in.

Each override opens with the version of the context contract it was written for,
``{# contract: 1 #}`` (docs/guide/templates.md lists what each template receives). The
generator refuses an override for another version, or one that names no built-in template, and
turns a Jinja error or invalid Python from an override into one error naming the template and
the line, before anything is written.
"""

from __future__ import annotations

import ast
import re
import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2

from generator.errors import GeneratorError
from generator.paths import templates_root

# Bumped whenever a name a template receives is removed, renamed or changes its type.
CONTRACT_VERSION = 1
_CONTRACT = re.compile(r"\{#-?\s*contract:\s*(\S+?)\s*-?#\}")
PYTHON_TEMPLATES = {  # generated path pattern -> the template that writes it
    r"_(async_)?client\.py": "_client.py.jinja",
    r"models/__init__\.py": "models_init.py.jinja",
    r"models/[^/]+\.py": "models_module.py.jinja",
    r"params/__init__\.py": "params_init.py.jinja",
    r"params/[^/]+\.py": "params_module.py.jinja",
    r"resources/__init__\.py": "resources_init.py.jinja",
    r"resources/[^/]+\.py": "resources_module.py.jinja",
}


def builtin_templates() -> set[str]:
    """The templates of a generated package (the explorer's pages are the gateway's own)."""
    root = Path(str(templates_root()))
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.jinja")
        if not {"runtime", "explorer"} & set(p.relative_to(root).parts)
    }


def check_overrides(folder: Path) -> dict[str, Path]:
    """The override files by template name, each checked against the contract version."""
    if not folder.is_dir():
        raise GeneratorError(f"templates folder {folder} does not exist or is not a folder")
    known = builtin_templates()
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        name = path.relative_to(folder).as_posix()
        if name not in known:
            raise GeneratorError(
                f"template override {name!r} replaces no built-in template; the templates are:"
                f" {', '.join(sorted(known))}",
                file=str(path),
            )
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        match = _CONTRACT.search(first)
        if match is None:
            raise GeneratorError(
                f"template override {name!r} does not say which context contract it was written"
                f" for: make its first line {{# contract: {CONTRACT_VERSION} #}} after checking"
                " it against docs/guide/templates.md",
                file=str(path),
            )
        if match.group(1) != str(CONTRACT_VERSION):
            raise GeneratorError(
                f"template override {name!r} was written for context contract"
                f" {match.group(1)}, and this generator gives contract {CONTRACT_VERSION}:"
                " compare it with the built-in template and docs/guide/templates.md, then"
                f" update it and its first line to {{# contract: {CONTRACT_VERSION} #}}",
                file=str(path),
            )
        found[name] = path
    return found


def loader(overrides: dict[str, Path]) -> jinja2.BaseLoader:
    """Built-in templates, with each override in their place (under its own file name, so
    Jinja's errors and tracebacks name the file the user wrote)."""
    root = Path(str(templates_root()))

    def load(name: str) -> tuple[str, str, Callable[[], bool]]:
        path = overrides.get(name, root / name)
        # Up to date for the whole run: templates do not change while a package renders, and
        # responding False would make Jinja compile a template again for every file it renders.
        return path.read_text(encoding="utf-8"), str(path), lambda: True

    return jinja2.FunctionLoader(load)


def render_error(exc: jinja2.TemplateError, overrides: dict[str, Path]) -> GeneratorError:
    """A Jinja error as one line with the template file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}, line {exc.lineno}"
        return GeneratorError(f"template error: {exc.message} ({where})")
    files = {str(p) for p in overrides.values()}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    if not frames:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".jinja")
        ]
    where = f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
    return GeneratorError(f"template error: {type(exc).__name__}: {exc}{where}")


def check_python(files: dict[str, str], overrides: dict[str, Path]) -> None:
    """Every Python file an override wrote parses; else one error naming the template, the
    generated file and line, and the template line that wrote it where it can be told."""
    for path, text in files.items():
        template = template_of(path)
        if template not in overrides:
            continue
        try:
            ast.parse(text, filename=path)
        except SyntaxError as exc:
            line = (text.splitlines() or [""])[(exc.lineno or 1) - 1].strip()
            source = overrides[template].read_text(encoding="utf-8").splitlines()
            hits = [i + 1 for i, s in enumerate(source) if line and s.strip() == line]
            at = f", line {hits[0]}" if len(hits) == 1 else ""
            raise GeneratorError(
                f"template override {template!r} ({overrides[template]}{at}) rendered invalid"
                f" Python: {exc.msg} in {path}, line {exc.lineno}: {line!r}; nothing was written"
            ) from None


def template_of(path: str) -> str:
    for pattern, template in PYTHON_TEMPLATES.items():
        if re.fullmatch(pattern, path):
            return template
    return path + ".jinja"
