"""``update-spec``: fetch a target's spec from its ``source`` URL, and replace the file only with
a whole, valid document.

Nothing is replaced until the download is complete, within the size limit, of a plausible
content type, and loads, validates and builds like ``generate`` would build it; the new file
then takes the old one's place in one rename. A spec whose bytes are not the ones the last
download wrote (edited by hand, or never downloaded: ``spec/stripe.yaml`` is authored here) is
only replaced with ``force``. The sha256 of each download is recorded in ``.sources.json``
beside the spec, so that check needs no network.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from generator.config import Target
from generator.errors import GeneratorError
from generator.ir import Api
from generator.load import load_document
from generator.spec_ir import build_ir

MAX_BYTES = 64 * 1024 * 1024  # Stripe's full spec is about 4 MB as JSON or YAML
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
MAX_REDIRECTS = 5
SOURCES = ".sources.json"  # {spec file name: {"url": ..., "sha256": ...}}, beside the specs
# What servers label OpenAPI documents with: JSON and YAML, and the generic types raw file
# hosts use. HTML (a login or error page responded with 200) is the case this keeps out.
ACCEPTED_TYPES = (
    "application/json",
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "application/openapi+json",
    "application/openapi+yaml",
    "application/vnd.oai.openapi",
    "application/vnd.oai.openapi+json",
    "text/plain",
    "application/octet-stream",
)


@dataclass(frozen=True)
class Updated:
    target: Target
    old: Api | None  # the spec it replaced (None when there was none, or it did not build)
    new: Api
    changed: bool  # the downloaded bytes differ from the file's


def update(target: Target, force: bool = False, max_bytes: int = MAX_BYTES) -> Updated:
    spec, label = target.spec, target.spec_label
    if target.source is None:
        raise GeneratorError(
            f'target {target.package!r} has no source = "https://..." to update from'
        )
    sources = _read_sources(spec.parent)
    current = _read(spec)
    if current is not None and not force:
        recorded = sources.get(spec.name, {}).get("sha256")
        if recorded is None:
            raise GeneratorError(
                f"{label} was not written by update-spec (no sha256 in {SOURCES}); it may be "
                "authored here: pass --force to replace it with the download"
            )
        if recorded != _sha256(current):
            raise GeneratorError(
                f"{label} was edited since its last download (its sha256 differs from the one "
                f"in {SOURCES}): pass --force to replace it with the download"
            )
    try:
        body = download(target.source, max_bytes)
        old = _build_quietly(spec, label, target) if current is not None else None
        new = _replace(spec, label, target, target.source, body, current, old)
    except GeneratorError as exc:
        exc.message += (
            f"; {label} is unchanged" if current is not None else f"; {label} not written"
        )
        raise
    sources[spec.name] = {"url": target.source, "sha256": _sha256(body)}
    _write_json(spec.parent / SOURCES, sources)
    return Updated(target=target, old=old, new=new, changed=body != current)


def _replace(
    spec: Path,
    label: str,
    target: Target,
    url: str,
    body: bytes,
    current: bytes | None,
    old: Api | None,
) -> Api:
    if body == current:
        return old if old is not None else _check(spec, label, target, url)
    # The suffix tells the loader JSON from YAML, as the spec's own name would.
    staging = spec.with_name(f".{spec.stem}.download-{os.getpid()}{spec.suffix}")
    try:
        staging.write_bytes(body)
        new = _check(staging, label, target, url)
        os.replace(staging, spec)
    except OSError as exc:
        raise GeneratorError(f"cannot write {label}: {exc.strerror}") from None
    finally:
        staging.unlink(missing_ok=True)
    return new


def download(url: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The body at ``url``, following redirects that stay on https (or loopback http)."""
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                check_url(url)
                with client.stream("GET", url, headers={"Accept": _ACCEPT}) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    return _body(url, response, max_bytes)
    except httpx.HTTPError as exc:
        raise GeneratorError(f"download of {url} failed: {_reason(exc)}") from None
    raise GeneratorError(f"download of {url} failed: more than {MAX_REDIRECTS} redirects")


_ACCEPT = "application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.1"


def check_url(url: str) -> None:
    """https only; plain http only to this machine (a local mirror, a test server)."""
    parsed = httpx.URL(url)
    if parsed.scheme == "https":
        return
    if parsed.scheme == "http" and _loopback(parsed.host):
        return
    raise GeneratorError(
        f"refusing to download from {url}: only https URLs are allowed (plain http only to a "
        "loopback address such as 127.0.0.1)"
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _body(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    if response.status_code != 200:
        raise GeneratorError(
            f"download of {url} failed: HTTP {response.status_code} {response.reason_phrase}"
        )
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media and media not in ACCEPTED_TYPES:
        raise GeneratorError(
            f"download of {url} failed: the server responded with {media!r}, not a JSON or YAML "
            "document"
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise GeneratorError(_too_big(url, max_bytes, f"{int(declared):,} bytes announced"))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise GeneratorError(_too_big(url, max_bytes, "the body is longer"))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(url: str, max_bytes: int, why: str) -> str:
    return f"download of {url} failed: over the size limit of {max_bytes:,} bytes ({why})"


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the connection broke off before the whole body arrived ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _check(path: Path, label: str, target: Target, url: str) -> Api:
    """Load, validate and build the downloaded document as ``generate`` would."""
    try:
        return build_ir(load_document(path), label, target.profile, target.operations)
    except GeneratorError as exc:
        raise GeneratorError(
            f"the downloaded document is not a usable spec: {exc.message}",
            file=url,
            where=exc.where,
        ) from None


def _build_quietly(path: Path, label: str, target: Target) -> Api | None:
    """The current spec's IR for the report; a spec that no longer builds just has no report."""
    try:
        return build_ir(load_document(path), label, target.profile, target.operations)
    except GeneratorError:
        return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise GeneratorError(f"cannot read spec: {exc.strerror}", file=str(path)) from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_sources(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / SOURCES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"cannot read the download record: {exc}", file=str(path)) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise GeneratorError("the download record is not a JSON object of objects", file=str(path))
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    staging = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        staging.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(staging, path)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise GeneratorError(f"cannot write {path}: {exc.strerror}") from None
