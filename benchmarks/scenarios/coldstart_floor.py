"""Cold start, the floor: httpx + pydantic by hand, no client library.

Imports httpx and pydantic, posts the same form body with ``httpx.Client.post`` and validates
one small pydantic model. Usage: python coldstart_floor.py BASE_URL
Prints the link's URL and the in-process phase times (seconds) on one line.
"""

import sys
import time

t0 = time.perf_counter()
import httpx  # noqa: E402
import pydantic  # noqa: E402


class AccountLink(pydantic.BaseModel):
    object: str
    created: int
    expires_at: int
    url: str


t1 = time.perf_counter()
with httpx.Client(base_url=sys.argv[1]) as client:
    t2 = time.perf_counter()
    response = client.post(
        "/v1/account_links",
        data={
            "account": "acct_123",
            "type": "account_onboarding",
            "refresh_url": "https://example.com/reauth",
            "return_url": "https://example.com/return",
        },
        headers={"Authorization": "Bearer sk_test_x"},
    )
    response.raise_for_status()
    link = AccountLink.model_validate_json(response.content)
    t3 = time.perf_counter()
print(f"{link.url} import={t1 - t0:.6f} construct={t2 - t1:.6f} call={t3 - t2:.6f}")
