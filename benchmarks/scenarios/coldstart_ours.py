"""Cold start, ours: import the generated package, build the client, create one account link.

Usage: python coldstart_ours.py PACKAGE BASE_URL [resources]   (PACKAGE importable, e.g.
``stripe_full``; with ``resources``, the call goes through ``client.account_links.create``)
Prints the link's URL and the in-process phase times (seconds) on one line.
"""

import sys
import time
from importlib import import_module

t0 = time.perf_counter()
package = import_module(sys.argv[1])
t1 = time.perf_counter()
with package.StripeClient("sk_test_x", base_url=sys.argv[2]) as client:
    t2 = time.perf_counter()
    create = (
        client.account_links.create if sys.argv[3:] == ["resources"] else client.post_account_links
    )
    link = create(
        account="acct_123",
        type="account_onboarding",
        refresh_url="https://example.com/reauth",
        return_url="https://example.com/return",
    )
    t3 = time.perf_counter()
print(f"{link.url} import={t1 - t0:.6f} construct={t2 - t1:.6f} call={t3 - t2:.6f}")
