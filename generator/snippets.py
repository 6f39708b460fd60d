"""Snippets from the IR: the generator's entry to the one snippet builder.

The builder itself is ``templates/runtime/_snippet.py`` (``snippet``), which every generated
package carries for its command line; this module only supplies what the IR knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.examples import example_args
from generator.ir import Api, Operation
from generator.templates.runtime._snippet import snippet


def snippet_for(
    api: Api,
    op: Operation,
    args: Mapping[str, Any] | None = None,
    *,
    package: str,
    base_url: str | None = None,
    access: str | None = None,
) -> str:
    """Python source that calls ``op`` through the generated client and prints the response.

    Args:
        api: The IR the package was generated from.
        op: One of ``api.operations``.
        args: Keyword arguments by Python name (``Parameter.py_name``), in the order to show
            them; JSON-like values (nested TypedDicts as dicts keyed by wire name). ``None``
            fills the required parameters with examples (``generator.examples.example_args``).
        package: The import path of the generated package, e.g. ``"generated.stripe"``.
        base_url: Passed to the client when given (a gateway, a local server).
        access: How the client reaches the operation on a resource surface
            (``customers.payment_methods.retrieve``, from ``surface.Surface.access``); the
            flat method by default. Path parameters are keywords either way.

    The text is black-stable at black's default line length and ends with a newline.
    """
    values = example_args(api, op) if args is None else args
    return snippet(
        package,
        api.profile.client_class,
        access or op.py_name,
        values,
        base_url=base_url,
        env_vars=tuple(c.env for c in api.credentials),
    )
