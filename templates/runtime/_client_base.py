"""The part of a client the sync and async ones share (``ClientBase``): everything but the
sending itself, which is in ``_base_client``'s loops.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from ._auth import choose, configured, mask_in_logs
from ._descriptors import ClientConfig, Operation, RequestOptions
from ._encode import flatten
from ._errors import APIConnectionError, APITimeoutError, request_id_of
from ._oauth import configure
from ._paging import AsyncPage, SyncPage
from ._placement import place
from ._placement import set_header as _set_header
from ._request import (
    Prepared,
    add_idempotency_key,
    apply_options,
    authorize,
    check_options,
    encode_body,
    target,
)
from ._responses import RawRequest, RawResponse, error_of, parse_success, raw_request
from ._retries import (
    NOT_SENT_FAILURES,
    RETRY_FAILURES,
    backoff,
    should_retry,
    unsafe_write,
)
from ._streaming import AsyncStream, AsyncStreamedResponse, Stream, StreamedResponse


class ClientBase:
    """What the sync and async clients share: their settings and credentials, preparing a call,
    and after each attempt, whether the call is done, failed or worth another attempt."""

    _config: ClassVar[ClientConfig]
    _page_class: ClassVar[type[SyncPage[Any] | AsyncPage[Any]]]
    _stream_class: ClassVar[type[Stream[Any] | AsyncStream[Any]]]
    _streamed_response_class: ClassVar[type[StreamedResponse | AsyncStreamedResponse]]

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None,
        server_urls: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        client_headers: Mapping[str, str | None],
        auth: Mapping[str, Any] | None = None,
    ) -> None:
        config = self._config
        self._credentials = configured(config.credentials, credentials)
        mask_in_logs(config.credentials)
        self.base_url = (base_url or config.base_url).rstrip("/")
        self._auth_setup(dict(auth or {}))
        self._base_url_given = base_url is not None
        self.server_urls = {k.rstrip("/"): v.rstrip("/") for k, v in (server_urls or {}).items()}
        self.timeout = timeout
        self.max_retries = max_retries
        self._log = logging.getLogger(config.package)
        self._headers: dict[str, str] = {}
        for keyword, value in client_headers.items():
            header = config.client_headers[keyword]
            if value is not None:
                self._headers[header] = value
        if config.version_header and config.version_header not in self._headers:
            # Send the version the models were generated from, so responses match them.
            self._headers[config.version_header] = config.api_version

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _auth_setup(self, given: dict[str, Any]) -> None:
        """A bearer token fetched per call: from ``token_provider``, or from the OAuth2 grant
        the keywords (or their variables) complete. A fixed token, when configured, wins."""
        config = self._config
        self._provider = given.pop("token_provider", None)
        self._on_refresh_token = given.pop("on_refresh_token", None)
        self._grant = None
        bearer = config.oauth.argument if config.oauth is not None else None
        bearer = bearer or next(
            (a for a, c in config.credentials.items() if c.kind == "bearer"), None
        )
        self._values = self._credentials  # what ``choose`` and ``send`` see
        self._dynamic = False
        if bearer is None or bearer in self._credentials:
            return
        if self._provider is None and config.oauth is not None:
            self._grant = configure(config.oauth, given, self.base_url)
        if self._provider is not None or self._grant is not None:
            self._values = {**self._credentials, bearer: ""}  # set per attempt
            self._dynamic = True

    def _take_raw(self) -> RawRequest | None:
        """The marker when this call returns a RawResponse or StreamedResponse (the first call
        made by a with_raw_response function on this client); read before the first ``await``."""
        marker = raw_request.get()
        if marker is None or marker.taken or marker.client is not self:
            return None
        marker.taken = True
        return marker

    # Request building --------------------------------------------------------------------
    def _prepare(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        next_url: str | None = None,
    ) -> Prepared:
        """``next_url``: a next page's URL from the server, which already holds the query."""
        for name, message in op.deprecated.items():
            if name == "" or args.get(name) is not None:
                # here, in _call, in the generated method: the warning names its caller's line
                warnings.warn(message, DeprecationWarning, stacklevel=4)
        config = self._config
        options = options or {}
        check_options(options, config.option_keys)
        headers = dict(self._headers)
        if op.accept is not None:  # extra_headers may still override it
            headers["Accept"] = op.accept
        placed = place(op, args, brackets=config.param_style == "brackets")
        for name, text in placed.headers.items():
            _set_header(headers, name, text)
        security = config.security if op.security is None else op.security
        chosen = choose(security, self._values)
        bearer = self._dynamic and any(config.credentials[a].kind == "bearer" for a in chosen)
        authorize(chosen, self._values, config.credentials, headers, placed)
        apply_options(op, placed, options, headers, config, next_url)
        method = op.method.upper()
        add_idempotency_key(method, options, headers, config)
        encoded, content, files = encode_body(op, placed, headers)
        url = self._server(op) + placed.path
        url, query = target(url, placed, next_url, chosen, config.credentials)
        return Prepared(
            method=method,
            url=url,
            query=flatten(query),
            headers=headers,
            form=encoded.form,
            json=encoded.json,
            files=files,
            content=content,
            timeout=options.get("timeout", self.timeout),
            max_retries=max(0, options.get("max_retries", self.max_retries)),
            bearer=bearer,
        )

    def _server(self, op: Operation[Any]) -> str:
        server = op.server or self._config.base_url
        if server in self.server_urls:
            return self.server_urls[server]
        if op.server is None or self._base_url_given:
            # An explicit base_url (a gateway, a mock) takes every call, whatever its server.
            return self.base_url
        return op.server

    # Responses -----------------------------------------------------------------------------
    def _outcome(
        self,
        op: Operation[Any],
        response: httpx.Response,
        args: Mapping[str, Any],
        options: RequestOptions | None,
    ) -> Any:
        if response.is_success:
            if op.stream is not None and op.stream.wanted(args):
                item = op.stream.item
                decode = op.parser(self._config.package, item) if item else None
                return self._stream_class(response, op.stream, decode)
            result = parse_success(op, response, self._config.package)
            if op.paging is not None:
                return self._page_class(
                    op.paging,
                    result,
                    response,
                    args,
                    lambda next_args, url: self._call(op, next_args, options, url),  # type: ignore[attr-defined]
                )
            # Pages are models of the pagination module, which is only imported by packages
            # that have list or search responses: when it is not loaded, nothing is a page.
            pagination = sys.modules.get(f"{self._config.package}._pagination")
            if pagination is not None and isinstance(result, pagination.Page):
                # let it fetch the pages after it with the same call
                # (only by an argument the operation takes: a page of another API's list
                # shaped like Stripe's would otherwise ask for its first page again forever)
                accepts = op.query if op.body is None else None
                result.bind(lambda next_args: self._call(op, next_args, options), args, accepts)  # type: ignore[attr-defined]
            return result
        raise error_of(op, response, self._config)

    def _step(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        prepared: Prepared,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        failure: httpx.TransportError | None,
        raw: bool,
    ) -> tuple[bool, Any]:
        """After one attempt: ``(True, result)`` to finish, ``(False, delay)`` to retry; raises
        when the call failed for good. Shared by the sync and async loops."""
        last = attempt >= prepared.max_retries
        if response is None:
            kind = type(failure).__name__
            timed_out = isinstance(failure, httpx.TimeoutException)
            self._log_attempt(prepared, attempt, started, None, kind)
            unsafe = unsafe_write(prepared.method, self._config) and not isinstance(
                failure, NOT_SENT_FAILURES
            )
            if last or unsafe or not isinstance(failure, RETRY_FAILURES):
                note = (
                    f"; not retried: the {prepared.method} was sent and may have reached the "
                    "server, so sending it again could repeat it"
                    if unsafe and not last and isinstance(failure, RETRY_FAILURES)
                    else ""
                )
                if timed_out:
                    raise APITimeoutError(f"request timed out ({kind}){note}") from failure
                raise APIConnectionError(f"connection failed ({kind}){note}") from failure
            return False, self._retry_delay(prepared, attempt, None)
        self._log_attempt(prepared, attempt, started, response)
        if response.is_success and raw:
            return True, RawResponse(response, lambda: self._outcome(op, response, args, options))
        if response.is_success or last or not should_retry(prepared.method, response, self._config):
            return True, self._outcome(op, response, args, options)
        return False, self._retry_delay(prepared, attempt, response)

    def _renew(self, prepared: Prepared, response: httpx.Response | None, renewed: bool) -> bool:
        """Whether a 401 to a fetched token is responded by renewing it and sending once more."""
        if response is None or response.status_code != 401 or not prepared.bearer:
            return False
        if renewed:
            return False
        self._log.info(
            "%s %s -> 401: token refused, renewing it and sending once more",
            prepared.method,
            httpx.URL(prepared.url).path,
        )
        return True

    def _retry_delay(
        self, prepared: Prepared, attempt: int, response: httpx.Response | None
    ) -> float:
        delay = backoff(attempt, response)
        if self._log.isEnabledFor(logging.INFO):
            self._log.info(
                "%s %s retrying in %.2fs (retry %d of %d)",
                prepared.method, httpx.URL(prepared.url).path, delay, attempt + 1, prepared.max_retries,
            )  # fmt: skip
        return delay

    def _log_attempt(
        self,
        prepared: Prepared,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: str = "",
    ) -> None:
        # Method, path (never the query), status, request id, attempt, time: nothing sent in a
        # header, query or body appears.
        if not self._log.isEnabledFor(logging.INFO):
            return
        path = httpx.URL(prepared.url).path
        status = response.status_code if response is not None else error
        request_id = (request_id_of(response.headers) if response is not None else None) or "-"
        self._log.info(
            "%s %s -> %s request_id=%s attempt=%d/%d elapsed=%.3fs",
            prepared.method, path, status, request_id, attempt + 1, prepared.max_retries + 1,
            time.monotonic() - started,
        )  # fmt: skip
