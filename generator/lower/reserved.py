"""Names the generated package binds itself, which no schema- or spec-derived name may take."""

from __future__ import annotations

import builtins

# Names a generated model module binds at top level; a field with one of these names would shadow
# it inside the class body, where pydantic evaluates annotations.
MODEL_MODULE_NAMES = frozenset(
    {
        "str", "int", "float", "bool", "bytes", "list", "dict", "Any", "Literal", "Field",
        "REQUIRED", "Annotated", "Union", "Tag", "Discriminator", "UnknownObject", "OTHER",
        "tag_by", "Iterator", "AsyncIterator", "match_by", "Shape", "DateTimeOrStr", "DateOrStr",
        "UUIDOrStr",
        # methods of pages (ListObject, SearchResult), which models may be
        "bind", "next_page_args", "auto_paging_iter",
    }
)  # fmt: skip
# Names the generated package binds itself: at its top level (exported beside the models) or
# inside model, params and resource modules. A schema-derived class name must not take them.
PACKAGE_NAMES = frozenset(
    {
        "Any", "Literal", "Annotated", "Union", "Field", "Tag", "Discriminator", "Iterator",
        "AsyncIterator", "Mapping", "Sequence", "Required", "TypedDict", "TYPE_CHECKING",
        "BaseObject", "ListObject", "SearchResult", "UnknownObject", "REQUIRED", "OTHER",
        "FileInput", "RequestOptions", "APIConnectionError", "APIError", "APITimeoutError",
        "AuthenticationError", "CardError", "IdempotencyError", "InvalidRequestError",
        "PermissionDeniedError", "RateLimitError", "ClientError", "RawResponse", "Shape",
        "DateTimeOrStr", "DateOrStr", "UUIDOrStr",
        "APIStatusError", "APIResponseValidationError", "BadRequestError", "NotFoundError",
        "ConflictError", "UnprocessableEntityError", "InternalServerError",
        # _operations.py and the clients bind these beside the response types they annotate
        "Operation", "ClientConfig", "CONFIG", "NotGiven", "NOT_GIVEN", "RawContent",
    }
)  # fmt: skip
# Capitalised builtins (Warning, Exception, Ellipsis ...): a model of that name would be read as
# the builtin wherever pydantic evaluates an annotation before the module's late imports ran.
BUILTIN_CLASS_NAMES = frozenset(n for n in dir(builtins) if n[:1].isupper())
# Names a generated method binds besides its parameters.
METHOD_RESERVED = frozenset({"self", "locals"})
# Attributes of the generated clients (from the runtime base classes): no method may take them.
CLIENT_NAMES = frozenset(
    {"self", "close", "with_raw_response", "api_key", "base_url", "server_urls", "timeout",
     "max_retries"}
)  # fmt: skip
# Names _operations.py binds besides the operation constants.
OPERATIONS_MODULE_NAMES = frozenset({"CONFIG", "ClientConfig", "Operation", "TYPE_CHECKING", "Any"})
OPTIONS_ARG = "request_options"
