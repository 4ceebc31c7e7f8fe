"""Paths of the app's pages and HTTP routes, in one place."""

from __future__ import annotations

STAFF_HOME = "/staff"
STAFF_LOGIN = "/staff/login"
STAFF_SIGN_IN_POST = "/api/staff/session"
STAFF_SIGN_OUT_POST = "/api/staff/session/end"


def track(code: str) -> str:
    return f"/track/{code}"


def track_verify_post(code: str) -> str:
    return f"/api/track/{code}/verify"


def backend(path: str) -> str:
    """Where the browser reaches an HTTP route of ours.

    `reflex run --env prod` serves pages and routes on one port, so a relative path; in
    `reflex run --env dev` the routes live on the backend's own port.
    """
    from reflex_base import constants
    from reflex_base.environment import environment

    if environment.REFLEX_ENV_MODE.get() == constants.Env.PROD:
        return path
    import reflex as rx

    return rx.config.get_config().api_url.rstrip("/") + path


def frontend(path: str) -> str:
    """Where a route sends the browser back to: relative in prod (same host the browser used), the
    public URL in dev (pages are served by another port)."""
    from reflex_base import constants
    from reflex_base.environment import environment

    if environment.REFLEX_ENV_MODE.get() == constants.Env.PROD:
        return path
    from .settings import get_settings

    return get_settings().public_url.rstrip("/") + path
