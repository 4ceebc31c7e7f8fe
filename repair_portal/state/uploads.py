"""Marks the Reflex handlers that accept `/_upload` requests, with the most a request may carry.

The ASGI middleware (`api/middleware.py`) refuses every other handler name, any request over the
cap (by its Content-Length, before the body is read) and any request without a signed-in staff
session bound to the client token (`portal=True`: a signed-in portal user whose group has the
handler's permission; never a staff preview).
"""

from __future__ import annotations

MB = 1024 * 1024


def upload_limit(max_bytes: int, *, portal: bool = False):
    def mark(fn):
        fn.upload_max_bytes = max_bytes
        fn.upload_portal = portal
        return fn

    return mark
