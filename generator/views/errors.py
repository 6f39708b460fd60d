"""The exception classes of a generated package: which the runtime defines, which the profile
adds, and when each is raised (read by ``_exceptions.py``'s template and the docs)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir import Api
from generator.profiles import RUNTIME_ERRORS
from generator.pytypes import dict_display, literal


@dataclass(frozen=True)
class ErrorView:
    """The exception classes of a package: those the runtime defines that it exports, and
    those the profile adds (with a docstring saying when each is raised)."""

    runtime: tuple[str, ...]  # exported from _errors
    extra: tuple[tuple[str, str], ...]  # (class name, docstring), defined in _exceptions
    tables: tuple[str, ...]  # runtime classes the tables of _exceptions name
    status_map: str  # STATUS_ERRORS' dict display: error status -> class
    type_map: str  # TYPE_ERRORS': an error body's type -> class

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(sorted([*self.runtime, *(name for name, _ in self.extra)]))

    @property
    def exceptions_imports(self) -> tuple[str, ...]:
        """What _exceptions.py imports from _errors."""
        needs = {"ClientError", *self.tables} | ({"APIStatusError"} if self.extra else set())
        return tuple(sorted(needs))


def error_view(api: Api) -> ErrorView:
    profile = api.profile
    used = {cls for _, cls in profile.status_errors} | {cls for _, cls in profile.error_types}
    if profile.rate_limit_codes:
        used.add("RateLimitError")
    base = {"APIStatusError", "APIConnectionError", "APITimeoutError", "APIResponseValidationError"}
    extra = []
    for name in sorted(used - RUNTIME_ERRORS):
        statuses = [_status_words(st) for st, cls in profile.status_errors if cls == name]
        types = [f"``{t}``" for t, cls in profile.error_types if cls == name]
        when = []
        if statuses:
            when.append(" or ".join(statuses))
        if types:
            when.append(f"an error body whose ``type`` is {' or '.join(types)}")
        extra.append((name, "Raised for " + ", or for ".join(when) + "."))
    return ErrorView(
        runtime=tuple(sorted((used & RUNTIME_ERRORS) | base)),
        extra=tuple(extra),
        status_map=dict_display((literal(st), cls) for st, cls in profile.status_errors),
        type_map=dict_display((literal(t), cls) for t, cls in profile.error_types),
        tables=tuple(
            sorted(
                {cls for _, cls in (*profile.status_errors, *profile.error_types)} & RUNTIME_ERRORS
            )
        ),
    )


def _status_words(status: str) -> str:
    if status == "default":
        return "any other error status"
    return f"HTTP {status.lower() if 'X' in status else status}"


_RUNTIME_BASE = "ClientError"
_BASE_LINE = f"class {_RUNTIME_BASE}(Exception):\n"
_FIRST_SUBCLASS = f"class APIStatusError({_RUNTIME_BASE}):\n"


def errors_module(source: str, base: str) -> str:
    """The runtime's ``_errors.py`` with its base class defined under the API's name ``base``
    (``class StripeError(Exception)``), so tracebacks and ``type(exc).__name__`` show it, and
    ``ClientError`` kept as an alias: the name every other runtime module imports it by.

    The runtime is otherwise copied verbatim; this one class is named per package because a
    class's name is fixed where it is defined (an alias in ``__init__`` would not change it)."""
    if base == _RUNTIME_BASE:
        return source
    if source.count(_BASE_LINE) != 1 or source.count(_FIRST_SUBCLASS) != 1:
        raise ValueError("the runtime's _errors.py no longer defines its base class as expected")
    source = source.replace(_BASE_LINE, f"class {base}(Exception):\n")
    alias = f"# The runtime's own name for {base}, which its modules import.\n"
    alias += f"{_RUNTIME_BASE} = {base}\n\n\n"
    return source.replace(_FIRST_SUBCLASS, alias + _FIRST_SUBCLASS)
