"""The one guard every event handler goes through, and the registry the permission table test reads.

Each handler declares what it needs:

- `@staff_action(Action.X)`: a live staff session from the connection's cookie whose role may do X
  (`None`: any signed-in staff member). Checked before the body runs; the body gets the identity
  from `self._require(...)` without a second database look-up. A session that has passed only the
  password step runs nothing but `mfa_pending=True` handlers (the /staff/verify page), and a user
  whose role requires TOTP before they have set it up runs nothing but `enrol=True` handlers.
- `@customer_action(read_only=..., perm=Perm.X)`: the order this tab may read (the customer's verified
  device, or a staff preview) or act on (never a preview), and, with `perm`, that the built-in
  "Non-portal visitor" group still has X (read from the database for this very event). Checked before
  the body runs. Registered with X as its action.
- `@portal_action(Perm.X)`: a portal user's live session from the connection's cookie (MFA passed
  where required) whose permission group has X (`None`: any signed-in portal user). Everything the body
  reads is scoped to `self._account().customer_id`.
- `@portal_action(None, mfa_pending=True)`: the second step only (/portal/verify): a live session that
  passed the first factor (password or emailed link) and still owes the second. A signed-in session
  and no session are both refused. Registered as kind "portal_mfa".
- `@link_action`: authorised by a one-time link in the URL (choose-a-password page); the body
  checks the link against its hash in the database.
- `@public`: anyone (the sign-in page, the tracking page's loader that shows the gate).
- `@form_only`: changes only this tab's own unsaved form or view; reads and writes no shop data.

A handler with none of these fails `tests/state/test_permission_table.py`.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from dataclasses import dataclass

from ..services.permissions import DENIED, Action
from ..services.text_input import NUL_MESSAGE, has_nul

DEFAULT_DENIED = "Your role can't do that."
NOT_OFFERED = "The shop doesn't offer that online. Please contact them instead."


@dataclass(frozen=True)
class Guard:
    kind: str  # staff, customer, portal, portal_mfa, link, public, form
    action: Action | str | None = None  # a staff Action, or a portal Perm
    read_only: bool = False
    leave: bool = False
    counter: bool = False  # still runs while the browser is locked to the counter signing screen
    mfa_pending: bool = False  # runs only for a session still waiting for its second step (/staff/verify)
    enrol: bool = False  # also runs for a user who must set up TOTP before anything else (/staff/profile)


REGISTRY: dict[str, Guard] = {}
# The staff identity the guard resolved for the event being handled (never stored in state).
CURRENT_STAFF: contextvars.ContextVar = contextvars.ContextVar("current_staff", default=None)
# The same for a portal user (state/portal_session.py).
CURRENT_PORTAL: contextvars.ContextVar = contextvars.ContextVar("current_portal", default=None)
# The order a customer handler's check just found this tab may read (its handler need not look again).
CURRENT_ORDER: contextvars.ContextVar = contextvars.ContextVar("current_order", default=None)


def _register(fn, guard: Guard):
    REGISTRY[fn.__qualname__] = guard
    fn.guard = guard
    return fn


def refuse_nul(args, kwargs):
    """A NUL character anywhere in a handler's arguments (form dicts and lists included) is refused
    before any guard or body runs: nothing typed needs it and PostgreSQL can't store it."""
    if has_nul(args) or has_nul(kwargs):
        import reflex as rx

        return rx.toast.error(NUL_MESSAGE)
    return None


def _wrap(fn, check, var: contextvars.ContextVar = CURRENT_STAFF):
    """Run `check(self)` first: it returns (context token or None, refusal events or None)."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def guarded_async(self, *args, **kwargs):
            if (nul := refuse_nul(args, kwargs)) is not None:
                return nul
            reset, refusal = check(self)
            if refusal is not None:
                return refusal
            try:
                return await fn(self, *args, **kwargs)
            finally:
                if reset is not None:
                    var.reset(reset)

        return guarded_async

    @functools.wraps(fn)
    def guarded(self, *args, **kwargs):
        if (nul := refuse_nul(args, kwargs)) is not None:
            return nul
        reset, refusal = check(self)
        if refusal is not None:
            return refusal
        try:
            return fn(self, *args, **kwargs)
        finally:
            if reset is not None:
                var.reset(reset)

    return guarded


def staff_action(
    action: Action | None, *, leave: bool = False, counter: bool = False, mfa_pending: bool = False, enrol: bool = False
):
    """`leave=True` (page loaders, settings pages): a role without the permission is also sent back
    to the order board. Only `counter=True` handlers (the signing screen's) run while the session is
    locked to the counter signing screen; every other one sends the browser back to that screen.
    Only `mfa_pending=True` handlers run for a password-only session (and only for one); `enrol=True`
    handlers also run for a user who must first set up TOTP (everything else sends them to do so)."""
    denied = DENIED.get(action, DEFAULT_DENIED) if action else DEFAULT_DENIED

    def decorate(fn):
        def check(state):
            identity, refusal = state._require(
                action, denied, leave=leave, counter=counter, mfa_pending=mfa_pending, enrol=enrol
            )
            if refusal is not None:
                return None, refusal
            return CURRENT_STAFF.set(identity), None

        guard = Guard("staff", action, leave=leave, counter=counter, mfa_pending=mfa_pending, enrol=enrol)
        return _register(_wrap(fn, check), guard)

    return decorate


def customer_action(*, read_only: bool, perm=None):
    """`perm` (a portal Perm): the part of the order's page the handler belongs to. An order's link may use
    it only while the built-in "Non-portal visitor" group has it, read from the database at every call (an
    account's order page: the portal user's group, `_part_perms`)."""

    def decorate(fn):
        def check(state):
            import reflex as rx

            from ..db import session_scope

            with session_scope() as session:
                order = state._readable_order(session) if read_only else state._authorised_order(session)
                allowed = order is not None and (perm is None or perm in state._part_perms(session))
            if order is None:
                if state.preview and not read_only:
                    return None, rx.toast.info("This is a staff preview: nothing can be changed here.")
                return None, type(state).load_tracking  # the page's own loader (/track, or an account's order)
            if not allowed:  # the shop took this part away meanwhile: the page drops it too
                return None, [type(state).reload, rx.toast.error(NOT_OFFERED)]
            return CURRENT_ORDER.set(order.id), None

        return _register(_wrap(fn, check, CURRENT_ORDER), Guard("customer", perm, read_only=read_only))

    return decorate


def portal_action(perm, *, leave: bool = False, mfa_pending: bool = False, read_only: bool = False):
    """A signed-in portal user whose group has `perm` (None: any). Refused: the sign-in page (no or dead
    session, or MFA still to pass) or, for a missing permission, a message (`leave=True`: their account
    home). The identity is the cookie's, looked up for this very event, never a state var.

    `mfa_pending=True` (the second-step page, `perm` must be None): only a session that has passed the
    first factor and not yet the second; a finished sign-in is sent to the account, none to sign-in.

    `read_only=True`: the handler changes nothing, so a staff member's "view as this user" preview may
    run it too; every other portal handler refuses a preview."""
    if mfa_pending and perm is not None:
        raise ValueError("the second step grants no permission: use portal_action(None, mfa_pending=True)")

    def decorate(fn):
        def check(state):
            if mfa_pending:
                identity, refusal = state._require_first_factor()
            else:
                identity, refusal = state._require_portal(perm, leave=leave, read_only=read_only)
            if refusal is not None:
                return None, refusal
            return CURRENT_PORTAL.set(identity), None

        kind = "portal_mfa" if mfa_pending else "portal"
        return _register(_wrap(fn, check, CURRENT_PORTAL), Guard(kind, perm, read_only=read_only, leave=leave))

    return decorate


def current_portal():
    """The portal identity the guard resolved for the event being handled (`@portal_action` bodies only)."""
    identity = CURRENT_PORTAL.get()
    if identity is None:
        raise RuntimeError("_account() outside a @portal_action handler")
    return identity


def _no_check(_state):
    return None, None


def link_action(fn):
    return _register(_wrap(fn, _no_check), Guard("link"))


def public(fn):
    return _register(_wrap(fn, _no_check), Guard("public"))


def form_only(fn):
    return _register(_wrap(fn, _no_check), Guard("form"))
