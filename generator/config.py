"""Targets and per-API profiles from ``[tool.generator]`` in pyproject.toml."""

from __future__ import annotations

import difflib
import keyword
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import naming
from generator.errors import GeneratorError
from generator.ir import Profile
from generator.profiles import BUILTIN, STANDARD_STATUS_ERRORS


@dataclass(frozen=True)
class Target:
    spec: Path  # absolute
    spec_label: str  # as written in headers (``spec_label``): the same from any directory
    out: Path  # absolute; the package is written to out / package
    package: str
    operations: tuple[str, ...]
    profile: dict[str, Any]  # raw profile table; completed against the spec title later
    source: str | None = None  # URL the spec is downloaded from (``update-spec``)
    import_name: str = ""  # how code imports the package, for the docs; default: package
    distribution: str = ""  # project name when the package is written as an installable project
    templates: Path | None = None  # absolute; a folder of template overrides

    @property
    def module(self) -> str:
        return self.import_name or self.package

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
    for name, table in (section.get("profiles") or {}).items():
        check_profile_keys(table, f"[tool.generator.profiles.{name}]", str(pyproject))
    return section


def load_profiles(root: Path) -> dict[str, dict[str, Any]]:
    return _with_builtin(_section(root).get("profiles", {}))


def profile_named(root: Path, name: str) -> dict[str, Any]:
    """The profile ``name`` (built in, or from the pyproject.toml at ``root`` when there is one),
    or an error naming the nearest profiles and listing the known ones."""
    has_config = (root / "pyproject.toml").is_file()
    profiles = load_profiles(root) if has_config else _with_builtin({})
    if name in profiles:
        return profiles[name]
    near = difflib.get_close_matches(name, list(profiles), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}? " if near else ""
    where = "built in or in [tool.generator.profiles]" if has_config else "built in"
    raise GeneratorError(
        f"no profile {name!r}: {hint}known profiles ({where}): {', '.join(sorted(profiles))};"
        " add a [tool.generator.profiles.NAME] table to pyproject.toml to define one"
    )


def _with_builtin(configured: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The built-in profiles, each overridden key by key by a configured one of its name."""
    merged = {name: dict(table) for name, table in BUILTIN.items()}
    for name, table in configured.items():
        merged[name] = {**merged.get(name, {}), **table}
    return merged


def load_targets(root: Path) -> list[Target]:
    pyproject = root / "pyproject.toml"
    section = _section(root)
    profiles = _with_builtin(section.get("profiles", {}))
    targets = []
    for i, raw in enumerate(section.get("targets", [])):
        where = f"[[tool.generator.targets]] #{i + 1}"
        missing = [k for k in ("spec", "out", "package") if k not in raw]
        if missing:
            raise GeneratorError(f"{where} lacks {', '.join(missing)}", file=str(pyproject))
        source = raw.get("source")
        if source is not None and not (
            isinstance(source, str) and source.startswith(("https://", "http://"))
        ):
            raise GeneratorError(f"{where} source must be an https:// URL", file=str(pyproject))
        profile_name = raw.get("profile")
        if profile_name is not None and profile_name not in profiles:
            raise GeneratorError(
                f"{where} names unknown profile {profile_name!r}", file=str(pyproject)
            )
        profile = dict(profiles.get(profile_name, {}) if profile_name else {})
        if "surface" in raw:  # a target may choose the surface its profile does not
            profile["surface"] = raw["surface"]
        targets.append(
            make_target(
                root,
                Path(raw["spec"]),
                Path(raw["out"]),
                str(raw["package"]),
                tuple(raw.get("operations", ())),
                profile,
                source,
                import_name=str(raw.get("import_name", "")),
                distribution=_distribution(raw, where, str(pyproject)),
                templates=Path(raw["templates"]) if "templates" in raw else None,
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
    source: str | None = None,
    import_name: str = "",
    distribution: str = "",
    templates: Path | None = None,
) -> Target:
    if not package.isidentifier() or keyword.iskeyword(package):
        raise GeneratorError(
            f"package name {package!r} cannot be imported: it must be an identifier and not a keyword"
        )
    spec_abs = (root / spec).resolve()
    return Target(
        spec=spec_abs,
        spec_label=spec_label(spec_abs),
        out=(root / out).resolve(),
        package=package,
        operations=operations,
        profile=profile,
        source=source,
        import_name=import_name,
        distribution=distribution,
        templates=(root / templates).resolve() if templates is not None else None,
    )


def _distribution(raw: dict[str, Any], where: str, file: str) -> str:
    try:
        return distribution_setting(raw.get("distribution", False), str(raw["package"]))
    except GeneratorError as exc:
        raise GeneratorError(f"{where} {exc.message}", file=file) from None


def distribution_setting(value: Any, package: str) -> str:
    """The project name of a target written as an installable project ("" when it is not):
    ``distribution = true`` takes the package's name, a string names the project itself."""
    from generator.distribution import distribution_name

    if value is False:
        return ""
    if value is True:
        return distribution_name(package)
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", value):
        return distribution_name(value)
    raise GeneratorError(
        "distribution must be true, false or a project name (letters, digits, '-', '_', '.'),"
        f" not {value!r}"
    )


def spec_label(spec: Path) -> str:
    """How headers name the spec: relative to the nearest folder above it that holds a
    pyproject.toml (its project), or the file's name alone; never the working directory's.
    """
    for folder in spec.parents:
        if (folder / "pyproject.toml").is_file():
            return spec.relative_to(folder).as_posix()
    return spec.name


# Every key a profile may set: adding a key is one line here (and its use in make_profile).
PROFILE_KEYS = (
    "api_key_env",
    "async_client_class",
    "base_url_env",
    "client_class",
    "client_headers",
    "credentials",
    "env_prefix",
    "error_base",
    "error_message",
    "error_shape",
    "error_types",
    "id_prefixes",
    "idempotency_header",
    "oauth_client_auth",
    "paging",
    "param_style",
    "rate_limit_codes",
    "raw_error_body",
    "retry_hint_header",
    "method_names",
    "resource_names",
    "status_errors",
    "stream_sentinel",
    "surface",
    "surface_group",
    "version_header",
    "webhook_event",
    "webhook_event_types",
    "webhook_scheme",
    "webhook_type_field",
)


def check_profile_keys(raw: dict[str, Any], where: str, file: str | None = None) -> None:
    unknown = sorted(str(k) for k in raw if k not in PROFILE_KEYS)
    if unknown:
        raise GeneratorError(
            f"{where} has unknown key{'s' if len(unknown) > 1 else ''}"
            f" {', '.join(map(repr, unknown))}; the known keys are {', '.join(PROFILE_KEYS)}",
            file=file,
        )


def make_profile(raw: dict[str, Any], title: str) -> Profile:
    """Complete a profile: anything it does not say is derived from the API's title."""
    check_profile_keys(raw, "the profile")
    _check_choices(raw)
    base = _class_stem(title)
    client = str(raw.get("client_class", f"{base}Client"))
    param_style = raw.get("param_style")
    client_auth = raw.get("oauth_client_auth", "basic")
    webhook_scheme = raw.get("webhook_scheme", "standard")
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
        status_errors=_status_errors(raw.get("status_errors", STANDARD_STATUS_ERRORS)),
        error_message=raw.get("error_message"),
        raw_error_body=bool(raw.get("raw_error_body", False)),
        idempotency_header=raw.get("idempotency_header"),
        env_prefix=str(raw.get("env_prefix", naming.constant(base))),
        credentials=_credentials(raw.get("credentials", {})),
        oauth_client_auth=client_auth,
        paging=_paging(raw.get("paging", {})),
        stream_sentinel=_optional_str(raw.get("stream_sentinel"), "stream_sentinel"),
        webhook_scheme=webhook_scheme,
        webhook_event=_optional_str(raw.get("webhook_event"), "webhook_event"),
        webhook_event_types=_optional_str(raw.get("webhook_event_types"), "webhook_event_types"),
        webhook_type_field=str(raw.get("webhook_type_field", "type")),
        **_surface(raw),
    )


def _class_stem(title: str) -> str:
    """What the API's class names start with: its title in Pascal case without "API"/"REST"."""
    base = naming.pascal(
        " ".join(w for w in naming.words(title) if w.lower() not in {"api", "rest"})
    )
    base = base or "Api"
    if not base[0].isalpha():  # "2fa API": a class name cannot start with a digit
        base = "Api" + base
    return base


def _check_choices(raw: dict[str, Any]) -> None:
    """The profile's keywords are identifiers and its enumerated settings known values."""
    for argument in raw.get("client_headers", {}):
        if naming.identifier(str(argument)) != argument:
            raise GeneratorError(f"profile client_headers key {argument!r} is not a usable keyword")
    param_style = raw.get("param_style")
    if param_style not in (None, "brackets"):
        raise GeneratorError(
            f"profile param_style {param_style!r} is not one of: 'brackets' (or leave it out)"
        )
    client_auth = raw.get("oauth_client_auth", "basic")
    if client_auth not in ("basic", "body"):
        raise GeneratorError(
            f"profile oauth_client_auth {client_auth!r} is not one of: 'basic' (HTTP basic, "
            "the default), 'body' (client_id and client_secret in the form)"
        )
    webhook_scheme = raw.get("webhook_scheme", "standard")
    if webhook_scheme not in ("standard", "stripe"):
        raise GeneratorError(
            f"profile webhook_scheme {webhook_scheme!r} is not one of: 'standard' (Standard "
            "Webhooks, the default), 'stripe' (Stripe-Signature)"
        )


PAGING_KEYS = (
    "style",
    "items",
    "param",
    "next",
    "header",
    "has_more",
    "limit",
    "total",
)


def _paging(table: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Per operation ID: a style name ("none" turns detection off) or a table of ``PAGING_KEYS``."""
    if not isinstance(table, dict):
        raise GeneratorError(
            "profile paging must be a table: operation ID = style or {style = ...}"
        )
    found = []
    for op_id, spec in sorted(table.items()):
        entry = {"style": spec} if isinstance(spec, str) else spec
        if not isinstance(entry, dict) or "style" not in entry:
            raise GeneratorError(
                f"profile paging entry {op_id!r}: give a style name or a table with 'style' "
                f"and any of {', '.join(PAGING_KEYS[1:])}"
            )
        unknown = sorted(str(k) for k in entry if k not in PAGING_KEYS)
        if unknown:
            raise GeneratorError(
                f"profile paging entry {op_id!r} has unknown key(s) {', '.join(unknown)}; "
                f"the known keys are {', '.join(PAGING_KEYS)}"
            )
        found.append((str(op_id), tuple(sorted((str(k), str(v)) for k, v in entry.items()))))
    return tuple(found)


def _optional_str(value: Any, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise GeneratorError(f"profile {key} must be a string")
    return value


def _surface(raw: dict[str, Any]) -> dict[str, Any]:
    """The profile's surface keys, checked: names must be dotted Python identifiers."""
    from generator.surface import GROUPINGS, SURFACES

    surface = raw.get("surface", "flat")
    if surface not in SURFACES:
        raise GeneratorError(f"surface {surface!r} is not one of {', '.join(SURFACES)}")
    group = raw.get("surface_group", "auto")
    if group not in GROUPINGS:
        raise GeneratorError(
            f"profile surface_group {group!r} is not one of {', '.join(GROUPINGS)}"
        )
    tables = {}
    for key in ("resource_names", "method_names"):
        pairs = []
        for name, value in (raw.get(key) or {}).items():
            parts = str(value).split(".")
            if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
                raise GeneratorError(
                    f"profile {key} {name!r} = {value!r}: not a dotted Python name"
                )
            pairs.append((str(name), str(value)))
        tables[key] = tuple(sorted(pairs))
    return {"surface": surface, "surface_group": group, **tables}


ERROR_SHAPES = ("stripe", "problem")


def _error_shape(value: Any) -> str:
    if value not in ERROR_SHAPES:
        raise GeneratorError(
            f"profile error_shape {value!r} is not one of {', '.join(ERROR_SHAPES)}"
        )
    return str(value)


def _status_errors(table: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(status, class): exact statuses first, then classes ("4XX"), then "default"."""
    pairs = []
    for key, cls in table.items():
        status = str(key).upper() if str(key) != "default" else "default"
        known = (status.isdigit() and len(status) == 3) or status in {
            "4XX",
            "5XX",
            "default",
        }
        if not known or not str(cls).isidentifier():
            raise GeneratorError(
                f"profile status_errors entry {key!r} = {cls!r}: keys are statuses (402), "
                "classes (4XX, 5XX) or default; values are class names"
            )
        pairs.append((status, str(cls)))
    return tuple(sorted(pairs, key=lambda p: (p[0] == "default", "X" in p[0], p[0])))


def _credentials(table: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(security scheme key, constructor argument; "" where the profile drops the scheme)."""
    pairs = []
    for scheme, argument in table.items():
        name = "" if argument is False else str(argument)
        if name and naming.identifier(name) != name:
            raise GeneratorError(
                f"profile credentials {scheme!r} = {argument!r}: not an identifier"
            )
        pairs.append((str(scheme), name))
    return tuple(sorted(pairs))
