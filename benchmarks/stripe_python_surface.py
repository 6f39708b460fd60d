"""Print stripe-python's own ``StripeClient`` surface as JSON: access path -> [method, path].

Run with the interpreter of a venv that has stripe-python (never a project dependency):
``.venv-stripe/bin/python benchmarks/stripe_python_surface.py``. Walks ``client.v1`` (the same
services ``client.<name>`` gives) and reads, from each public method's source, the HTTP method
and path template it passes to ``_request`` / ``_request_stream``.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from typing import Any

CALL = re.compile(r"self\._request(?:_stream)?\(\s*\"(\w+)\",\s*\"([^\"]+)\"")


def services(node: Any, prefix: str, seen: set[int]) -> dict[str, list[str]]:
    from stripe._stripe_service import StripeService

    found: dict[str, list[str]] = {}
    if id(node) in seen:
        return found
    seen.add(id(node))
    for name in sorted(dir(node)):
        if name.startswith("_") or name.endswith("_async"):
            continue
        try:
            value = getattr(node, name)
        except Exception:  # a deprecated accessor that warns or raises
            continue
        if isinstance(value, StripeService):
            found |= services(value, f"{prefix}{name}.", seen)
        elif inspect.ismethod(value) and isinstance(node, StripeService):
            match = CALL.search(inspect.getsource(value))
            if match:
                found[prefix + name] = [match[1].upper(), match[2]]
    return found


def main() -> int:
    import stripe

    client = stripe.StripeClient("sk_test_surface")
    table = {"stripe_python": stripe.VERSION, "surface": services(client.v1, "", set())}
    json.dump(table, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
