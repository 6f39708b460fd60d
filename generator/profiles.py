"""Built-in profiles, the standard error table, and recognising an API that has a profile.

A profile holds the conventions of one API that its spec cannot express (see the README,
"Using it for your own API"). ``stripe`` ships with the tool, so every build of Stripe's spec
gets it: named (``--profile stripe``, ``profile = "stripe"``) or recognised from the document
when no profile is named. A ``[tool.generator.profiles.NAME]`` table in pyproject.toml
overrides a built-in profile of the same name key by key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

# Status -> exception class of every API without a table of its own: the classes users know from
# Stainless-style SDKs (all defined in the runtime's _errors.py).
STANDARD_STATUS_ERRORS: dict[str, str] = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
    "5XX": "InternalServerError",
    "default": "APIStatusError",
}
# Exception classes the runtime defines; a profile naming another class gets it generated.
RUNTIME_ERRORS = frozenset(
    {
        "APIStatusError",
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
        *STANDARD_STATUS_ERRORS.values(),
    }
)

BUILTIN: dict[str, dict[str, Any]] = {
    "stripe": {
        "client_class": "StripeClient",
        "error_base": "StripeError",
        "api_key_env": "STRIPE_API_KEY",
        "env_prefix": "STRIPE",
        "version_header": "Stripe-Version",
        "retry_hint_header": "Stripe-Should-Retry",
        "idempotency_header": "Idempotency-Key",
        "client_headers": {"stripe_account": "Stripe-Account", "stripe_version": "Stripe-Version"},
        # The secret key is a bearer token; Stripe also accepts it as a basic-auth user name,
        # which would only be a second way to pass the same key.
        "credentials": {"bearerAuth": "api_key", "basicAuth": False},
        # Resource namespaces (surface = "resources") where stripe-python's names are not the
        # path's: these namespaces and methods carry the official SDK's names.
        "resource_names": {
            "apple_pay.domains": "apple_pay_domains",
            "credit_notes.lines": "credit_notes.line_items",
            "customers.sources": "customers.payment_sources",
            "invoiceitems": "invoice_items",
            "invoices.lines": "invoices.line_items",
            "sources.source_transactions": "sources.transactions",
        },
        "method_names": {
            "DeleteSubscriptionsSubscriptionExposedId": "cancel",
            "GetAccount": "accounts.retrieve_current",
            "PostAppsSecretsDelete": "delete_where",
            "PostCreditNotesIdVoid": "void_credit_note",
            "PostInvoicesInvoiceFinalize": "finalize_invoice",
            "PostInvoicesInvoiceSend": "send_invoice",
            "PostInvoicesInvoiceVoid": "void_invoice",
            "PostQuotesQuoteFinalize": "finalize_quote",
            "PostTestHelpersIssuingCardsCardShippingDeliver": "test_helpers.issuing.cards.deliver_card",
            "PostTestHelpersIssuingCardsCardShippingFail": "test_helpers.issuing.cards.fail_card",
            "PostTestHelpersIssuingCardsCardShippingReturn": "test_helpers.issuing.cards.return_card",
            "PostTestHelpersIssuingCardsCardShippingShip": "test_helpers.issuing.cards.ship_card",
            "PostTestHelpersTreasuryInboundTransfersIdReturn": "return_inbound_transfer",
            "PostTestHelpersTreasuryOutboundPaymentsIdReturn": "return_outbound_payment",
            "PostTestHelpersTreasuryOutboundTransfersOutboundTransferReturn": "return_outbound_transfer",
        },
        "status_errors": {
            "400": "InvalidRequestError",
            "401": "AuthenticationError",
            "402": "CardError",
            "403": "PermissionDeniedError",
            "404": "InvalidRequestError",
            "429": "RateLimitError",
            "default": "APIError",
        },
        "error_types": {
            "card_error": "CardError",
            "idempotency_error": "IdempotencyError",
            "invalid_request_error": "InvalidRequestError",
        },
        "rate_limit_codes": ["rate_limit"],
        "error_message": "/error/message",
        "raw_error_body": True,
        "error_shape": "stripe",  # how the gateway words its own errors
        "param_style": "brackets",  # query parameters as Stripe sends them: expand[0]=a
        # Webhook deliveries: Stripe-Signature, each an event object whose type is one of the
        # values a webhook endpoint can subscribe to.
        "webhook_scheme": "stripe",
        "webhook_event": "event",
        "webhook_event_types": "/paths/~1v1~1webhook_endpoints/post/requestBody/content/"
        "application~1x-www-form-urlencoded/schema/properties/enabled_events/items",
        # Example IDs in docs and snippets, for a parameter or field of this name
        "id_prefixes": {
            "account": "acct_",
            "charge": "ch_",
            "customer": "cus_",
            "invoice": "in_",
            "payment_intent": "pi_",
            "payment_method": "pm_",
            "price": "price_",
            "product": "prod_",
            "refund": "re_",
            "setup_intent": "seti_",
            "subscription": "sub_",
        },
    }
}


def recognise(data: dict[str, Any]) -> str | None:
    """The built-in profile a document is recognisably made for, if any.

    Stripe's: a server on ``api.stripe.com`` and at least one ``x-stripe...`` extension
    (``x-stripeSpecFilename`` in ``info``, ``x-stripeBypassValidation``, ``x-stripeResource``...),
    which only Stripe's own published specs carry.
    """
    hosts = {
        urlsplit(str(server.get("url", ""))).hostname
        for server in data.get("servers") or []
        if isinstance(server, dict)
    }
    if "api.stripe.com" in hosts and any(k.startswith("x-stripe") for k in _keys(data)):
        return "stripe"
    return None


def _keys(node: Any) -> Iterator[str]:
    """Every mapping key of a document, depth first (stops as soon as the caller has its hit)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                yield str(key)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
