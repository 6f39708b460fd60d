"""Cold start, stripe-python 16.x: import, build ``StripeClient``, create one account link.

Usage: python coldstart_stripe.py BASE_URL
Prints the link's URL and the in-process phase times (seconds) on one line.
"""

import sys
import time

t0 = time.perf_counter()
import stripe  # type: ignore[import-not-found]  # noqa: E402

t1 = time.perf_counter()
client = stripe.StripeClient("sk_test_x", base_addresses={"api": sys.argv[1]})
t2 = time.perf_counter()
link = client.v1.account_links.create(
    params={
        "account": "acct_123",
        "type": "account_onboarding",
        "refresh_url": "https://example.com/reauth",
        "return_url": "https://example.com/return",
    }
)
t3 = time.perf_counter()
print(f"{link.url} import={t1 - t0:.6f} construct={t2 - t1:.6f} call={t3 - t2:.6f}")
