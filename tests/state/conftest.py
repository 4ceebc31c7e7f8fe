"""Build Reflex states the way the app does and call their handlers directly."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.istate.data import RouterData

import repair_portal.repair_portal  # noqa: F401  (registers pages and states)


def make_state(cls, path: str = "/", ip: str = "203.0.113.9", user_agent: str = "pytest-browser"):
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {"pathname": path, "asPath": path, "headers": {"user-agent": user_agent, "origin": ""}, "ip": ip}
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


@pytest.fixture
def state_factory(app_env):
    return make_state


def redirect_path(result) -> str | None:
    """The URL of an rx.redirect event spec, if the handler returned one."""
    if result is None:
        return None
    specs = result if isinstance(result, list) else [result]
    for spec in specs:
        args = dict((k._js_expr if hasattr(k, "_js_expr") else str(k), v) for k, v in getattr(spec, "args", ()))
        if "path" in args:
            return str(args["path"]._var_value if hasattr(args["path"], "_var_value") else args["path"]).strip('"')
    return None
