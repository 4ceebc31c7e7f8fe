"""The app's identity cookies: names, reading a Cookie header, writing HttpOnly Set-Cookie values.

Every identity cookie is set by an HTTP route (never by JavaScript, never through Reflex state):
the websocket handshake carries it to the server, and each event reads it from there.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.responses import Response

STAFF_SESSION = "rp_staff_session"  # the staff member's server-side session (SameSite=Strict)
STAFF_DEVICE = "rp_staff_known"  # signed proof that this browser signed in before (lockout relief)
DEVICE = "rp_device"  # the customer's remembered device for the last-name check (SameSite=Lax)
PORTAL_SESSION = "rp_portal_session"  # a portal user's server-side session (SameSite=Lax: email links)
PORTAL_DEVICE = "rp_portal_known"  # signed proof that this browser signed in to the portal before
PORTAL_PREVIEW = "rp_portal_preview"  # staff "view as this user": signed, tied to the staff session
PAYMENT_RETURN = "rp_payment"  # the checkout a customer came back from (its return token; hashed at rest)

STAFF_SESSION_MAX_AGE = 60 * 60 * 24
STAFF_DEVICE_MAX_AGE = 60 * 60 * 24 * 365
DEVICE_MAX_AGE = 60 * 60 * 24 * 90
PORTAL_SESSION_MAX_AGE = 60 * 60 * 24 * 30
IDENTITY_COOKIES = (STAFF_SESSION, DEVICE, PORTAL_SESSION)


def parse(header: str | None) -> dict[str, str]:
    """Cookie header → {name: value}; a malformed header reads as no cookies at all."""
    if not header:
        return {}
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


SAME_SITE = {
    STAFF_SESSION: "strict",
    STAFF_DEVICE: "strict",
    DEVICE: "lax",
    PORTAL_SESSION: "lax",
    PORTAL_DEVICE: "strict",
    PORTAL_PREVIEW: "strict",
    PAYMENT_RETURN: "lax",  # set on the way back from the provider's page (a cross-site navigation)
}
MAX_AGE = {
    STAFF_SESSION: STAFF_SESSION_MAX_AGE,
    STAFF_DEVICE: STAFF_DEVICE_MAX_AGE,
    DEVICE: DEVICE_MAX_AGE,
    PORTAL_SESSION: PORTAL_SESSION_MAX_AGE,
    PORTAL_DEVICE: STAFF_DEVICE_MAX_AGE,
    PORTAL_PREVIEW: 30 * 60,
    PAYMENT_RETURN: 60 * 60,  # long enough to come back from paying; not a record on a shared device
}


def put(response: Response, name: str, value: str, *, secure: bool) -> None:
    """Set one of the identity cookies: HttpOnly, its SameSite policy, Secure under https."""
    response.set_cookie(
        name, value, max_age=MAX_AGE[name], path="/", httponly=True, samesite=SAME_SITE[name], secure=secure
    )


def drop(response: Response, name: str, *, secure: bool) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite=SAME_SITE[name], secure=secure)
