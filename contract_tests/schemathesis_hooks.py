"""schemathesis hooks for the contract suite."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def filter_body(context: schemathesis.HookContext, body: Any) -> bool:
    """Drop generated bodies holding an empty list.

    A multipart field whose value is ``[]`` is sent as no part at all, so a "negative" case
    built that way is really a valid request, and Prism rightly accepts it: a false positive.
    """
    if isinstance(body, dict):
        return not any(value == [] for value in body.values())
    return True
