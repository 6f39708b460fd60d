"""Targets and per-API profiles from ``[tool.generator]`` in pyproject.toml."""

from __future__ import annotations

import keyword
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import naming
from generator.errors import GeneratorError
from generator.ir import Profile


@dataclass(frozen=True)
class Target:
    spec: Path  # absolute
    spec_label: str  # as written in headers: relative to the project root where possible
    out: Path  # absolute; the package is written to out / package
    package: str
    operations: tuple[str, ...]
    profile: dict[str, Any]  # raw profile table; completed against the spec title later

    @property
    def package_dir(self) -> Path:
        return self.out / self.package


def find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def _section(root: Path) -> dict[str, Any]:
    pyproject = root / "pyproject.toml"
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeneratorError(
            "no pyproject.toml here or above; pass --spec/--out/--package"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise GeneratorError(f"invalid TOML: {exc}", file=str(pyproject)) from None
    section: dict[str, Any] = config.get("tool", {}).get("generator", {})
    return section


def load_profiles(root: Path) -> dict[str, dict[str, Any]]:
    profiles: dict[str, dict[str, Any]] = _section(root).get("profiles", {})
    return profiles


def load_targets(root: Path) -> list[Target]:
    pyproject = root / "pyproject.toml"
    section = _section(root)
    profiles = section.get("profiles", {})
    targets = []
    for i, raw in enumerate(section.get("targets", [])):
        where = f"[[tool.generator.targets]] #{i + 1}"
        missing = [k for k in ("spec", "out", "package") if k not in raw]
        if missing:
            raise GeneratorError(f"{where} lacks {', '.join(missing)}", file=str(pyproject))
        profile_name = raw.get("profile")
        if profile_name is not None and profile_name not in profiles:
            raise GeneratorError(
                f"{where} names unknown profile {profile_name!r}", file=str(pyproject)
            )
        targets.append(
            make_target(
                root,
                Path(raw["spec"]),
                Path(raw["out"]),
                str(raw["package"]),
                tuple(raw.get("operations", ())),
                profiles.get(profile_name, {}) if profile_name else {},
            )
        )
    if not targets:
        raise GeneratorError("no [[tool.generator.targets]] configured", file=str(pyproject))
    return targets


def make_target(
    root: Path,
    spec: Path,
    out: Path,
    package: str,
    operations: tuple[str, ...],
    profile: dict[str, Any],
) -> Target:
    if not package.isidentifier() or keyword.iskeyword(package):
        raise GeneratorError(
            f"package name {package!r} cannot be imported: it must be an identifier and not a keyword"
        )
    spec_abs = (root / spec).resolve()
    try:
        label = spec_abs.relative_to(root.resolve()).as_posix()
    except ValueError:
        label = Path(spec).as_posix()
    return Target(
        spec=spec_abs,
        spec_label=label,
        out=(root / out).resolve(),
        package=package,
        operations=operations,
        profile=profile,
    )


def make_profile(raw: dict[str, Any], title: str) -> Profile:
    """Complete a profile: anything it does not say is derived from the API's title."""
    base = naming.pascal(
        " ".join(w for w in naming.words(title) if w.lower() not in {"api", "rest"})
    )
    base = base or "Api"
    if not base[0].isalpha():  # "2fa API": a class name cannot start with a digit
        base = "Api" + base
    client = str(raw.get("client_class", f"{base}Client"))
    for argument in raw.get("client_headers", {}):
        if naming.identifier(str(argument)) != argument:
            raise GeneratorError(f"profile client_headers key {argument!r} is not a usable keyword")
    param_style = raw.get("param_style")
    if param_style not in (None, "brackets"):
        raise GeneratorError(
            f"profile param_style {param_style!r} is not one of: 'brackets' (or leave it out)"
        )
    return Profile(
        client_class=client,
        async_client_class=str(raw.get("async_client_class", "Async" + client)),
        error_base=str(raw.get("error_base", f"{base}Error")),
        api_key_env=str(raw.get("api_key_env", f"{naming.constant(base)}_API_KEY")),
        version_header=raw.get("version_header"),
        retry_hint_header=raw.get("retry_hint_header"),
        client_headers=tuple(
            sorted((str(k), str(v)) for k, v in raw.get("client_headers", {}).items())
        ),
        error_types=tuple(sorted((str(k), str(v)) for k, v in raw.get("error_types", {}).items())),
        rate_limit_codes=tuple(str(c) for c in raw.get("rate_limit_codes", ())),
        id_prefixes=tuple(sorted((str(k), str(v)) for k, v in raw.get("id_prefixes", {}).items())),
        base_url_env=str(raw.get("base_url_env", f"{naming.constant(base)}_BASE_URL")),
        error_shape=_error_shape(raw.get("error_shape", "problem")),
        param_style=param_style,
    )


ERROR_SHAPES = ("stripe", "problem")


def _error_shape(value: Any) -> str:
    if value not in ERROR_SHAPES:
        raise GeneratorError(
            f"profile error_shape {value!r} is not one of {', '.join(ERROR_SHAPES)}"
        )
    return str(value)
