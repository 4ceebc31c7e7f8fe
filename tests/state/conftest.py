"""Build Reflex states the way the app does and call their handlers directly."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import reflex as rx
from reflex.istate.data import RouterData

import repair_portal.repair_portal  # noqa: F401  (registers pages and states)
from repair_portal import cookies, routes


def make_state(cls, path: str = "/", ip: str = "203.0.113.9", user_agent: str = "pytest-browser", cookie: str = ""):
    """A state as Reflex builds it for one connection; `cookie` is that connection's Cookie header."""
    root = rx.State(_reflex_internal_init=True)
    data = {"pathname": path, "asPath": path, "headers": {"user-agent": user_agent, "origin": ""}, "ip": ip}
    if cookie:
        data["headers"]["cookie"] = cookie
    root.router_data = data
    root.router = RouterData.from_router_data(data)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def connect(state, **cookie_values: str):
    """The same client state, now used by a connection carrying these cookies (none: no cookie)."""
    root = state._get_root_state()
    data = {**root.router_data, "headers": dict(root.router_data["headers"])}
    data["headers"]["cookie"] = "; ".join(f"{k}={v}" for k, v in cookie_values.items() if v)
    root.router_data = data
    root.router = RouterData.from_router_data(data)
    return state


def run(result):
    """Run an async handler's coroutine to its end in a thread of its own: a browser test earlier in the
    same process (Playwright's sync API) keeps an event loop running in this thread."""
    import asyncio
    import inspect
    from concurrent.futures import ThreadPoolExecutor

    if not inspect.iscoroutine(result):
        return result
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, result).result()


def as_staff(state, token: str | None):
    return connect(state, **{cookies.STAFF_SESSION: token or ""})


def as_device(state, device: str | None):
    return connect(state, **{cookies.DEVICE: device or ""})


@pytest.fixture
def state_factory(app_env):
    return make_state


def redirect_path(result) -> str | None:
    """Where the handler sends the browser: an rx.redirect's path, or for a full-page navigation
    through the sign-out route (a dead session cookie is dropped on the way), the sign-in page
    that route answers with."""
    if result is None:
        return None
    specs = result if isinstance(result, list) else [result]
    for spec in specs:
        args = dict((k._js_expr if hasattr(k, "_js_expr") else str(k), v) for k, v in getattr(spec, "args", ()))
        if "path" in args:
            return str(args["path"]._var_value if hasattr(args["path"], "_var_value") else args["path"]).strip('"')
        script = str(args.get("javascript_code", ""))
        if (found := re.search(r"window\.location\.replace\(\\?\"([^\"\\]+)", script)) is not None:
            url = found.group(1)
            parts = urlsplit(url)
            if parts.path == routes.STAFF_SIGN_OUT_POST:
                return routes.STAFF_LOGIN + (f"?{parts.query}" if parts.query else "")
            return url
    return None


def pass_gate(state, last_name: str, *, extra_cookies: dict | None = None):
    """The gate's form posted to the real route, then the page reloaded as the browser does: the same
    client state on a new connection that carries the cookies the route set, at the URL it answered.
    Returns (device cookie value or None, the route's response)."""
    from starlette.testclient import TestClient

    from repair_portal.api import api_routes, security_headers

    code = state._code()
    jar = cookies.parse(state.router.headers.cookie)
    jar.update(extra_cookies or {})
    client = TestClient(security_headers(api_routes()))
    for name, value in jar.items():
        client.cookies.set(name, value)
    form = {"last_name": last_name, **({"preview": "staff"} if state.preview else {})}
    response = client.post(f"/api/track/{code}/verify", data=form, follow_redirects=False)
    device = response.cookies.get(cookies.DEVICE) or jar.get(cookies.DEVICE)
    location = urlsplit(response.headers.get("location", f"/track/{code}"))
    root = state._get_root_state()
    page = location.path + (f"?{location.query}" if location.query else "")
    data = {**root.router_data, "pathname": location.path, "asPath": page, "headers": dict(root.router_data["headers"])}
    data["headers"]["cookie"] = "; ".join(f"{k}={v}" for k, v in {**jar, cookies.DEVICE: device or ""}.items() if v)
    root.router_data = data
    root.router = RouterData.from_router_data(data)
    state.load_tracking()
    return device, response


def shown_link(result) -> str | None:
    """A one-time link a handler sent to the page as a script (it is never a state var)."""
    specs = result if isinstance(result, list) else [result]
    for spec in specs:
        args = dict((str(k), v) for k, v in getattr(spec, "args", ()))
        found = re.search(r"textContent=\\?\"(https?://[^\"\\]+)", str(args.get("javascript_code", "")))
        if found:
            return found.group(1)
    return None
