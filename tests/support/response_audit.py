"""What the client made of each 2xx response in a Prism run over a corpus document.

``support.prism_corpus.check_document`` calls every operation of a generated client against a
Prism mock and hands each call to its ``response_checks``. ``ResponseAudit.check`` is one: a 2xx
response is *clean* when the call returned (no exception), the lenient parser dropped nothing
(it logs each value it drops, on the package's logger: that log must stay empty for the call),
and the result gives back the response exactly (``model_dump(mode="json", by_alias=True,
exclude_unset=True)`` for JSON, the text for ``text/*``, the bytes for anything else). Prism
responses from the document's examples, which do not always match their own schemas; a response
whose every dropped value is one Prism itself reports as breaking the document (its
``sl-violations`` header) is counted in ``off_spec`` instead: dropping what the document forbids
is the parser doing its job.

    audit = ResponseAudit(generated.package)
    with audit.watching():
        result = check_document(generated, url, response_checks=[audit.check])
    audit.responses, audit.clean, audit.off_spec, result.response_problems
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, TypeAdapter

_DUMP: TypeAdapter[Any] = TypeAdapter(Any)


class ResponseAudit(logging.Handler):
    def __init__(self, package: str) -> None:
        super().__init__(logging.WARNING)
        self.logger = logging.getLogger(package)
        self.dropped: list[str] = []  # log lines since the last check
        self.responses = 0  # 2xx responses seen
        self.clean = 0  # of those, parsed with nothing dropped and given back exactly
        # responses whose every dropped value is one Prism itself reports as breaking the document
        # (its static examples may not match their own schemas): the data's fault, not the client's
        self.off_spec = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.dropped.append(record.getMessage())

    @contextmanager
    def watching(self) -> Iterator[ResponseAudit]:
        self.logger.addHandler(self)
        try:
            yield self
        finally:
            self.logger.removeHandler(self)

    def check(self, call: Any) -> str | None:
        """A response check for ``check_document``: None when the response is clean (or not 2xx)."""
        dropped, self.dropped = self.dropped, []
        response = call.response
        if response is None or not response.is_success:
            return None
        self.responses += 1
        where = f"{response.status_code} {response.headers.get('content-type')}"
        if call.error is not None:
            if type(call.error).__name__ == "APIResponseValidationError" and _breaks_document(
                None, response
            ):
                self.off_spec += 1  # Prism's response is not even of the declared JSON type
                return None
            return f"{where} response raised {type(call.error).__name__}: {call.error}"
        if dropped:
            if all(_breaks_document(path, response) for path in _paths(dropped)):
                self.off_spec += 1  # the mock's response breaks the document right there
                return None
            return f"{where} response: " + "; ".join(dropped) + _dropped_values(dropped, response)
        problem = _given_back(call.result, response)
        if problem:
            return f"{where} response {problem}"
        self.clean += 1
        return None


def _given_back(result: Any, response: Any) -> str | None:
    """Why ``result`` is not exactly what ``response`` carried, or None."""
    if type(result).__name__ == "Stream":  # events or JSON lines: each must come from the body
        with result as stream:
            items = [getattr(item, "data", item) for item in stream]
        text = response.read().decode("utf-8", "replace")
        missing = [item for item in items if json.dumps(item) not in text and str(item) not in text]
        return f"streamed items not in the body: {missing[:3]}" if missing else None
    if isinstance(result, bytes):
        return None if result == response.content else "bytes differ from the body"
    if isinstance(result, str) and not _is_json(response):
        return None if result == response.text else "text differs from the body"
    if result is None and not response.content:
        return None
    try:
        sent = json.loads(response.content)
    except ValueError:
        return "is not JSON, yet was parsed"
    got = dump(result)
    return None if got == sent else f"comes back different: {_first_difference(sent, got)}"


def _paths(lines: list[str]) -> list[str]:
    """The dotted paths of the parser's ``... dropped a.b.0, c`` log lines."""
    return [path for line in lines for path in line.rpartition("dropped ")[2].split(", ")]


def _breaks_document(path: str | None, response: Any) -> bool:
    """Whether Prism reports its own response as breaking the document at ``path`` (or above or
    below it; None: the body as a whole), in its ``sl-violations`` header."""
    header = response.headers.get("sl-violations", "")
    try:
        violations = json.loads(header[header.find("[") :]) if "[" in header else []
    except ValueError:
        return False
    mine = path.split(".") if path else []
    for v in violations if isinstance(violations, list) else []:
        loc = [str(p) for p in v.get("location", [])] if isinstance(v, dict) else []
        if loc[:2] == ["response", "body"]:
            theirs = loc[2:]
            shorter = min(len(mine), len(theirs))
            if (path is None and not theirs) or (
                path is not None and mine[:shorter] == theirs[:shorter]
            ):
                return True
    return False


def _dropped_values(lines: list[str], response: Any) -> str:
    """What was at the dropped paths, to tell a client bug from data the document forbids."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return ""
    found = []
    for path in _paths(lines):
        node = data
        for part in path.split(".") if path else []:
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        found.append(f"{path}={json.dumps(node)[:60]}")
    return " (" + "; ".join(found) + ")"


def dump(value: Any) -> Any:
    """A parsed response as JSON data, each model as ``model_dump(mode="json", by_alias=True,
    exclude_unset=True)``."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if type(value).__name__ in ("SyncPage", "AsyncPage"):  # a paged response: its whole body
        return dump(value.body)
    if isinstance(value, list):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    return _DUMP.dump_python(value, mode="json")


def _is_json(response: Any) -> bool:
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _first_difference(sent: Any, got: Any, path: str = "") -> str:
    if isinstance(sent, dict) and isinstance(got, dict):
        for key in sent.keys() | got.keys():
            if key not in got:
                return f"{path}.{key} missing"
            if key not in sent:
                return f"{path}.{key} added"
            if sent[key] != got[key]:
                return _first_difference(sent[key], got[key], f"{path}.{key}")
    if isinstance(sent, list) and isinstance(got, list) and len(sent) == len(got):
        for i, (a, b) in enumerate(zip(sent, got, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path or 'the body'}: sent {json.dumps(sent)[:80]}, got {json.dumps(got)[:80]}"
