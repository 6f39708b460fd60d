"""The intermediate representation: everything templates (and later docs, CLI, gateway) may see.

Plain frozen dataclasses. Every Python name in the generated code is decided when the IR is
built (see ``naming``) and stored here; templates never invent or transform names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, NamedTuple

# The type language lives in ``ir_types``; every name stays importable from here.
from generator.ir_types import ListOf as ListOf
from generator.ir_types import Lit as Lit
from generator.ir_types import MapOf as MapOf
from generator.ir_types import ModelRef as ModelRef
from generator.ir_types import ParamsRef as ParamsRef
from generator.ir_types import Prim as Prim
from generator.ir_types import TypeRef as TypeRef
from generator.ir_types import UnionOf as UnionOf
from generator.ir_types import walk as walk

Location = Literal["path", "query", "header", "cookie", "body"]
BodyEncoding = Literal["form", "json", "multipart", "raw"]
ResponseKind = Literal["model", "binary", "text", "none", "any"]
Paging = Literal["list", "search"]
Side = Literal["request", "response"]


# Values -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Value:
    """A value the spec gives (an ``example`` or a ``default``), kept as JSON text so the IR
    stays hashable; a ``null`` default is ``Value("null")``, no default at all is ``None``.
    """

    json: str

    @property
    def value(self) -> Any:
        return json.loads(self.json)


# Response models --------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    py_name: str
    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str
    deprecated: bool = False


@dataclass(frozen=True)
class Model:
    name: str
    module: str
    schema_key: str  # the component schema key, or the pointer-derived key of an inline schema
    where: str  # JSON pointer of the schema
    description: str
    fields: tuple[Field, ...]
    deps: tuple[str, ...]  # names of models this one refers to (for imports)
    extra_values: TypeRef | None = None  # additionalProperties type alongside named properties
    paging: Paging | None = None  # a page of a list or search result (auto-pagination)
    item_type: TypeRef | None = None  # what a page holds


@dataclass(frozen=True)
class Alias:
    """A named response type that is not a model (a union an operation responds with)."""

    name: str
    module: str
    type: TypeRef
    deps: tuple[str, ...]


# Request parameter types (TypedDicts) -----------------------------------------------------
@dataclass(frozen=True)
class ParamsField:
    wire_name: str
    type: TypeRef
    required: bool
    description: str
    default: Value | None = None
    example: Value | None = None  # the spec's example, for docs and snippets
    format: str | None = None  # the schema's ``format`` (uri, date-time, unix-time, ...)
    deprecated: bool = False
    # the spec's own prose (HTML or Markdown) for pages that render it sanitised; it takes no
    # part in comparisons, so it never splits types that are otherwise equal
    description_source: str = field(default="", compare=False)


@dataclass(frozen=True)
class ParamsType:
    name: str
    module: str  # module of the params package that defines it
    where: str  # JSON pointer of the location that named it
    fields: tuple[ParamsField, ...]
    identifiers_only: bool  # every key is a Python identifier (class syntax possible)


# Operations -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parameter:
    py_name: str
    wire_name: str
    location: Location
    type: TypeRef
    required: bool
    description: str
    deprecated: str | None = None  # the deprecation message, when deprecated
    default: Value | None = None
    example: Value | None = None  # the spec's example, for docs and snippets
    format: str | None = None  # the schema's ``format`` (uri, date-time, unix-time, ...)
    # the spec's own prose (HTML or Markdown) for pages that render it sanitised; it takes no
    # part in comparisons, so it never splits types that are otherwise equal
    description_source: str = field(default="", compare=False)
    # How the value is serialized (OpenAPI's style/explode/allowReserved, defaults applied):
    # path simple|label|matrix, query form|spaceDelimited|pipeDelimited|deepObject, header
    # simple, cookie form; "" for body properties.
    style: str = ""
    explode: bool = False
    allow_reserved: bool = False
    nullable: bool = False  # a JSON body property where None is sent as null (NOT_GIVEN default)
    part_type: str | None = None  # content type of its multipart part, from the spec's encoding

    @property
    def style_code(self) -> str:
        """The serialization as the runtime names it: the style, ``*`` appended when exploded."""
        return self.style + ("*" if self.explode else "")

    @property
    def summary(self) -> str:
        """The description, or where the value is sent for a parameter the spec leaves
        undocumented (docstrings and command-line help say that rather than nothing)."""
        if self.description:
            return self.description
        kind = "body field" if self.location == "body" else f"{self.location} parameter"
        return f"Sent as the {kind} {self.wire_name!r}."


# The runtime's style code of each location's default serialization.
DEFAULT_STYLE_CODES: dict[str, str] = {
    "path": "simple",
    "query": "form*",
    "header": "simple",
    "cookie": "form*",
}


@dataclass(frozen=True)
class Body:
    """``encoding``: json (application/json and every +json type), form, multipart, or raw (any
    other media type, sent as the bytes given). ``alternatives``: the other media types the
    spec offers, which the client does not use. ``item_type``: what each item of a sequential
    body is (OpenAPI 3.2's ``itemSchema``, lowered on the request side), None without one."""

    media_type: str
    encoding: BodyEncoding
    required: bool
    alternatives: tuple[str, ...] = ()
    # The spec's named examples of the body (name, summary, value as JSON text), for the
    # explorer's picker; they take no part in comparisons.
    examples: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)
    item_type: TypeRef | None = None


@dataclass(frozen=True)
class MediaResponse:
    """One media type a success response may come in, and what it is read as: JSON as ``type``
    (kind "model" or "any"), ``text/*`` as str ("text"), anything else as bytes ("binary").

    ``item_type``: the type of each item when the media type is a sequence the spec describes
    item by item (OpenAPI 3.2's ``itemSchema``: an event of ``text/event-stream``, a line of
    ``application/jsonl``), lowered like any response schema; None without ``itemSchema``."""

    media_type: str
    kind: ResponseKind
    type: TypeRef | None
    item_type: TypeRef | None = None


@dataclass(frozen=True)
class Response:
    """The success response. ``kind``, ``type`` and ``media_type`` describe the first of ``media``
    (JSON first), which lists every media type the 2xx responses declare, in ``Accept`` order.
    """

    kind: ResponseKind
    type: TypeRef | None
    media_type: str | None
    paging: Paging | None = None
    item_type: TypeRef | None = None  # what a page holds, when paging
    media: tuple[MediaResponse, ...] = ()
    accept: str | None = None  # the Accept header, when not the media types joined


@dataclass(frozen=True)
class Operation:
    operation_id: str
    py_name: str
    const_name: str  # name of the operation descriptor constant
    method: str  # upper case
    path: str
    where: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]  # required first, then optional; each in spec order
    body: Body | None
    response: Response
    server: str | None  # the operation's own server URL, when it differs from the API's
    options_arg: (
        str  # keyword of the per-call options ("request_options" unless a parameter has it)
    )
    deprecated: bool
    tags: tuple[str, ...]
    description_source: str = ""  # the spec's own prose (HTML or Markdown), for pages
    errors: tuple[ErrorResponse, ...] = ()  # declared error responses, in spec order
    # Alternatives of credential arguments (any one fully configured is sent); None: the API's
    # default, () for ``security: []`` (send none).
    security: tuple[tuple[str, ...], ...] | None = None
    paging: Pagination | None = None  # how the operation pages, when it does
    # Why a list-shaped response does not page ("" when it does or is not a list); reports only.
    paging_note: str = field(default="", compare=False)
    stream: StreamResponse | None = None  # the response read as events or lines
    # The spec's example responses: (status, (name, summary, JSON text)); for the explorer, and
    # no part of comparisons.
    response_examples: tuple[tuple[str, tuple[str, str, str]], ...] = field(
        default=(), compare=False
    )
    # The query a path key carries (``/responses/{id}?beta=true``: "beta=true"), as written:
    # sent with every call before the caller's parameters, a name the caller gives replacing
    # it. ``path`` is the key without it and without a ``#fragment``.
    fixed_query: str = ""


@dataclass(frozen=True)
class Pagination:
    """How a list operation reaches its next page (``lower.paging`` decides; the runtime's
    ``_paging.Paging`` follows it). Paths are wire names from the response body's root.

    ``style``: "stripe" (the response is a Stripe list or search page that pages itself),
    "cursor" (a cursor in the body, sent back as ``param``), "item_cursor" (the last item's
    ``next`` field, sent as ``param`` while ``has_more``), "header_cursor" (a cursor in the
    response header ``header``), "link" (RFC 8288 ``Link: <...>; rel="next"``), "next_url"
    (a URL in the body at ``next``), "header_url" (a URL in the header ``header``), "offset"
    (``param`` advanced by the items received) or "page" (``param`` advanced by one).
    ``source``: where the description came from: "spec" (detected), "profile",
    "x-speakeasy-pagination" or "x-fern-pagination".
    """

    style: str
    items: tuple[str, ...]  # path of the item list; () when the body is the list
    item_type: TypeRef | None
    param: str = ""  # keyword of the argument the next page sets
    next: tuple[str, ...] = ()  # path of the next cursor or URL (item_cursor: the item's field)
    header: str = ""  # response header that carries the next cursor or URL
    has_more: tuple[str, ...] = ()  # path of a boolean: more pages follow
    limit: str = ""  # keyword of the page-size argument
    total: tuple[str, ...] = ()  # path of the total item count (offset) or page count (page)
    source: str = "spec"
    start: int = 1  # number of the first page (page style: the parameter's default)


@dataclass(frozen=True)
class StreamResponse:
    """A success response read as it arrives: ``kind`` "sse" (text/event-stream) or "jsonl"
    (JSON Lines, NDJSON, json-seq); ``item_type``: what each event's data or line is (None:
    raw text for SSE, untyped JSON for lines). ``flag``: the boolean body property that asks
    for the stream (``stream: true``) when the operation returns JSON otherwise."""

    kind: Literal["sse", "jsonl"]
    media_type: str
    item_type: TypeRef | None
    flag: str = ""  # keyword of the body argument
    sentinel: str | None = None  # an event data that ends the stream (``[DONE]``)


@dataclass(frozen=True)
class ErrorResponse:
    """A declared non-2xx response: ``status`` is "404", "4XX" or "default"."""

    status: str
    type: ModelRef | None  # the error model, when its JSON body has one
    media_type: str | None


@dataclass(frozen=True)
class Credential:
    """One constructor argument that carries a credential, and how it is sent.

    ``kind``: "bearer" (``Authorization: Bearer``; http bearer, oauth2, openIdConnect), "basic"
    (``name`` is "username" or "password"), or where an apiKey goes: "header", "query",
    "cookie" (``name`` is its wire name). Schemes that send the same thing share one argument.
    """

    argument: str
    kind: Literal["bearer", "basic", "header", "query", "cookie"]
    name: str
    env: str  # the environment variable it falls back to
    schemes: tuple[str, ...]  # the security scheme keys it serves
    description: str


@dataclass(frozen=True)
class OAuthFlow:
    """One OAuth2 grant the client can run itself: "client_credentials", "password", or
    "refresh_token" (an ``authorizationCode`` flow: the user brings the first refresh token)."""

    scheme: str  # the security scheme key
    grant: Literal["client_credentials", "password", "refresh_token"]
    token_url: str  # as the spec spells it (may be relative to the server URL)
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class OAuth:
    """The OAuth2 grants that fill the bearer credential ``argument``, and the constructor
    keywords that configure them (keyword -> environment variable it falls back to)."""

    argument: str
    flows: tuple[OAuthFlow, ...]
    client_auth: Literal["basic", "body"]  # how the client authenticates at the token endpoint
    keywords: tuple[tuple[str, str, str], ...]  # (role, keyword, env): role is client_id, ...


@dataclass(frozen=True)
class WebhookEvent:
    """One typed webhook event: a 3.1 ``webhooks`` entry's payload, or the profile's envelope."""

    name: str  # the webhooks key, or the envelope's component name
    type: TypeRef  # its model
    types: tuple[str, ...]  # values of the type field it is for (empty: any; the model decides)
    description: str
    envelope: bool = False  # the profile's: one subclass per type value, its type field a Literal


@dataclass(frozen=True)
class Webhooks:
    scheme: Literal["standard", "stripe"]  # how deliveries are signed
    type_field: str  # the payload field that tells events apart
    secret_env: str  # where ``unwrap`` reads the secret when none is passed
    events: tuple[WebhookEvent, ...]


@dataclass(frozen=True)
class SecurityScheme:
    key: str
    type: str
    scheme: str | None
    description: str


@dataclass(frozen=True)
class Profile:
    """Per-API conventions from configuration (see ``config``)."""

    client_class: str
    async_client_class: str
    error_base: str
    api_key_env: str
    version_header: str | None
    retry_hint_header: str | None
    client_headers: tuple[tuple[str, str], ...]  # (constructor keyword, header name)
    error_types: tuple[tuple[str, str], ...]  # (error body ``type``, exception class)
    rate_limit_codes: tuple[str, ...]
    # (parameter or field name, ID prefix): example IDs in docs and snippets ("acct_" + ...)
    id_prefixes: tuple[tuple[str, str], ...] = ()
    base_url_env: str = ""  # where the try-it command line reads a base URL from
    error_shape: str = "problem"  # how a gateway words its own errors: "stripe" or "problem"
    param_style: str | None = None  # "brackets": every query parameter bracket-encoded (Stripe)
    # Errors: (status "404" / class "4XX" / "default", exception class), the standard
    # Stainless-style table unless the profile gives its own; a JSON pointer to the message.
    status_errors: tuple[tuple[str, str], ...] = ()
    error_message: str | None = None
    raw_error_body: bool = False  # .body stays the raw JSON (Stripe), not the declared model
    idempotency_header: str | None = None  # sent on every write and makes writes retryable
    env_prefix: str = ""  # credentials fall back to the variables <env_prefix>_<ARGUMENT>
    credentials: tuple[tuple[str, str], ...] = ()  # (scheme key, argument name; "" = unused)
    # The client's shape: "flat" (one method per operation) or "resources" (nested namespaces as
    # well, see ``surface``), grouped by "path", "tag" or "auto"; renames by the profile:
    # (namespace path, new path) and (operationId, method name or full access path).
    surface: str = "flat"
    surface_group: str = "auto"
    resource_names: tuple[tuple[str, str], ...] = ()
    method_names: tuple[tuple[str, str], ...] = ()
    oauth_client_auth: Literal["basic", "body"] = "basic"  # at the token endpoint
    webhook_scheme: Literal["standard", "stripe"] = "standard"  # how deliveries are signed
    webhook_event: str | None = None  # a component schema every event has (Stripe's "event")
    webhook_event_types: str | None = None  # JSON pointer to a schema whose enum lists the types
    webhook_type_field: str = "type"
    # Paging per operation ID: (operation ID, ((key, value), ...)); a style of "none" turns
    # paging off. Keys as in ``Pagination`` (paths dotted: "links.next").
    paging: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    stream_sentinel: str | None = None  # SSE data that ends every stream ("[DONE]")


@dataclass(frozen=True)
class Tag:
    """A declared tag. ``parent``, ``summary`` (a short display name) and ``kind`` (``nav``,
    ``badge``, ``audience`` or another word) are OpenAPI 3.2's; earlier documents leave them
    empty."""

    name: str
    summary: str = ""
    description: str = ""
    parent: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    spec_path: str  # relative to the project root, for file headers
    base_url: str
    servers: tuple[str, ...]  # every distinct server URL the operations use, API's first
    security: tuple[SecurityScheme, ...]
    operations: tuple[Operation, ...]
    models: tuple[Model, ...]
    aliases: tuple[Alias, ...]
    params_types: tuple[ParamsType, ...]
    profile: Profile
    warnings: tuple[str, ...] = field(default=())
    credentials: tuple[Credential, ...] = ()  # constructor arguments, in signature order
    default_security: tuple[tuple[str, ...], ...] = ()  # alternatives of operations without own
    tags: tuple[Tag, ...] = ()  # the document's declared tags, in its order
    oauth: OAuth | None = None  # OAuth2 grants the client runs itself
    webhooks: Webhooks | None = None  # typed webhook events, and how deliveries are signed

    # Lookups by name. Built once, on first use, into the instance's ``__dict__`` (what
    # ``cached_property`` does, frozen or not): no field, so no part of comparisons or hashes.
    def model(self, name: str) -> Model | None:
        return self._lookups.models.get(name)

    def alias(self, name: str) -> Alias | None:
        return self._lookups.aliases.get(name)

    def params_type(self, name: str) -> ParamsType:
        """The TypedDict a ``ParamsRef`` names (lowering defines one for every reference)."""
        return self._lookups.params_types[name]

    def has_params_type(self, name: str) -> bool:
        return name in self._lookups.params_types

    def model_by_key(self, schema_key: str) -> Model | None:
        return self._lookups.by_key.get(schema_key)

    def operation(self, operation_id: str) -> Operation | None:
        return self._lookups.operations.get(operation_id)

    def tag(self, name: str) -> Tag | None:
        return self._lookups.tags.get(name)

    @cached_property
    def _lookups(self) -> _Lookups:
        return _Lookups(
            models={m.name: m for m in self.models},
            aliases={a.name: a for a in self.aliases},
            params_types={p.name: p for p in self.params_types},
            by_key={m.schema_key: m for m in self.models},
            operations={op.operation_id: op for op in self.operations},
            tags={t.name: t for t in self.tags},
        )


class _Lookups(NamedTuple):
    models: dict[str, Model]
    aliases: dict[str, Alias]
    params_types: dict[str, ParamsType]
    by_key: dict[str, Model]
    operations: dict[str, Operation]
    tags: dict[str, Tag]
