"""The permission table: every event handler × every identity that must not use it × forged arguments
→ the database is unchanged and no other customer's data reaches the client's state.

Every handler declares its guard (`repair_portal/state/guard.py`); `permission_table.TABLE` is the
reviewed copy of those declarations, so removing a guard or weakening its permission fails here.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import io
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from PIL import Image
from reflex_base.utils.format import json_dumps
from sqlmodel import SQLModel, select

from repair_portal import cookies
from repair_portal.actions import online_payments as pay_actions
from repair_portal.db import make_engine, write_session
from repair_portal.models import Customer, QuoteLine, Role, ShopSettings
from repair_portal.services import (
    attachments,
    audit,
    clock,
    counter,
    invoices,
    payment_settings,
    portal_access,
    price_list,
    quotes,
    staff_auth,
    staff_mfa,
    staff_mfa_sign_in,
    staff_users,
    store_credit,
)
from repair_portal.services.permissions import Action, can
from repair_portal.state.binding import app_state_classes
from repair_portal.state.guard import REGISTRY

from .. import factories
from ..conftest import TEST_SECRET_KEY, installation_keys
from . import portal_identities
from .conftest import connect, make_state
from .permission_table import COUNTER_HANDLERS, ENROL_HANDLERS, MFA_PENDING_HANDLERS, TABLE
from .portal_identities import StandInGateway

CANARY_EMAIL = "canary.secret@example.com"
CANARY_PROBLEM = "Canary problem nobody else may read"
DEVICE_OF_OTHER_ORDER = "device-verified-for-the-other-order-0001"
DEVICE_OF_CANARY = "device-verified-for-the-canary-order-0001"  # used only where a test says so
PORTAL_ADMIN = "a customer account's portal admin, signed in"


def _own_handlers():
    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            if handler.fn.__qualname__ == f"{cls.__name__}.{name}":
                yield cls, name, handler


HANDLERS = sorted(((cls, name, h) for cls, name, h in _own_handlers()), key=lambda t: f"{t[0].__name__}.{t[1]}")


def test_every_handler_declares_its_guard():
    missing = [f"{cls.__name__}.{name}" for cls, name, h in HANDLERS if getattr(h.fn, "guard", None) is None]
    assert missing == [], f"handlers without a guard (staff_action, customer_action, ...): {missing}"


def test_the_guards_match_the_reviewed_permission_table():
    declared = {
        name: (g.kind, g.action.value if g.action else None, g.read_only, g.leave) for name, g in REGISTRY.items()
    }
    assert declared == TABLE
    assert {name for name, g in REGISTRY.items() if g.counter} == COUNTER_HANDLERS
    assert {name for name, g in REGISTRY.items() if g.mfa_pending} == MFA_PENDING_HANDLERS
    assert {name for name, g in REGISTRY.items() if g.enrol} == ENROL_HANDLERS


# --- one shop for the whole table (refused calls change nothing, and each call checks that) ---------


@pytest.fixture(scope="module")
def world(tmp_path_factory, _migrated_template):
    import bcrypt

    from repair_portal import db
    from repair_portal import settings as settings_mod

    tmp: Path = tmp_path_factory.mktemp("permission-table")
    shutil.copyfile(_migrated_template, tmp / "table.db")  # (tests/conftest.py: migrated once per process)
    url = f"sqlite:///{tmp / 'table.db'}"
    installation_keys(tmp)
    patch = pytest.MonkeyPatch()
    # bcrypt cost 4, as tests/conftest.py's _quick_bcrypt (function-scoped: it would come after this fixture).
    salt = bcrypt.gensalt
    patch.setattr(bcrypt, "gensalt", lambda rounds=12, prefix=b"2b": salt(min(rounds, 4), prefix))
    # Paying online is on (a stand-in provider): a forged payment that got through would leave a checkout row.
    patch.setattr(payment_settings, "online_ready", lambda session, settings: (True, False))
    patch.setattr(pay_actions, "gateway", lambda session, settings=None, **_kw: StandInGateway())
    for key, value in {
        "DATA_DIR": str(tmp),
        "DATABASE_URL": url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "PUBLIC_URL": "http://shop.test",
    }.items():
        patch.setenv(key, value)
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()
    settings = settings_mod.get_settings()
    engine = make_engine(url)
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        shop.staff_mfa_roles = "manager"  # managers must use TOTP (the manager below has it)
        shop.online_payments_enabled = True
        users = {role: factories.staff(s, email=f"{role.value}@example.com", role=role) for role in Role}
        factories.staff(s, email="gone@example.com", role=Role.OWNER)
        factories.staff(s, email="halfway@example.com", role=Role.OWNER)  # TOTP on; signs in with the password only
        factories.staff(s, email="no-totp-yet@example.com", role=Role.MANAGER)  # must set TOTP up first
        canary = factories.order(s, location, last_name="Canary", problem=CANARY_PROBLEM)
        customer = s.get(Customer, canary.order.customer_id)
        customer.email, customer.phone = CANARY_EMAIL, "+447700900777"
        quote = quotes.create_quote(
            s,
            canary.order,
            [quotes.LineSpec("Screen", 1, 12000), quotes.LineSpec("Glass protector", 1, 1500, optional=True)],
            audit.SYSTEM,
        )
        quotes.send_quote(s, quote, audit.SYSTEM)
        photo = io.BytesIO()
        Image.new("RGB", (64, 64), "red").save(photo, format="JPEG")
        attachment = attachments.add_attachment(
            s, settings.uploads_dir, canary.order, "a.jpg", photo.getvalue(), visible=False, actor=audit.SYSTEM
        )
        other = factories.order(s, location, last_name="Other")
        portal_access.remember(s, other.order.id, DEVICE_OF_OTHER_ORDER, "last_name")
        portal_access.remember(s, canary.order.id, DEVICE_OF_CANARY, "last_name")
        # The price list holds what a forged call would add, edit or switch: item 1 active, item 2 retired.
        price_list.create_item(s, price_list.ItemForm(name="Screen", price="89", code="SCR"), audit.SYSTEM)
        retired = price_list.create_item(s, price_list.ItemForm(name="Old battery", price="39"), audit.SYSTEM)
        price_list.set_active(s, retired.id, False, audit.SYSTEM)
        line_ids = list(s.exec(select(QuoteLine.id).where(QuoteLine.quote_id == quote.id).order_by(QuoteLine.id)))
        # A draft invoice (line 1) a forged call could add to, issue or void, and credit it could spend.
        draft = invoices.create_draft(s, canary.order, audit.SYSTEM)
        invoices.add_line(s, draft.id, "Call-out", 1, 4500, audit.SYSTEM)
        store_credit.add_credit(s, customer.id, 5000, "Goodwill", audit.SYSTEM)
    secrets_of = {
        email: _enrol_totp(engine, settings, email) for email in ("manager@example.com", "halfway@example.com")
    }
    tokens = {
        role.value: staff_auth.sign_in(engine, settings, email=u.email, password=factories.STAFF_PASSWORD).token
        for role, u in users.items()
    }
    # The manager passes the second step with the next code (the enrolment spent the current one).
    next_code = pyotp.TOTP(secrets_of["manager@example.com"]).at(clock.now() + timedelta(seconds=30))
    step = staff_mfa_sign_in.complete_second_step(engine, settings, token=tokens["manager"], code=next_code)
    assert step.ok
    tokens["manager"] = step.token
    pending = staff_auth.sign_in(engine, settings, email="halfway@example.com", password=factories.STAFF_PASSWORD)
    must_enrol = staff_auth.sign_in(
        engine, settings, email="no-totp-yet@example.com", password=factories.STAFF_PASSWORD
    )
    assert pending.mfa_pending and must_enrol.must_enrol
    revoked = staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    gone = staff_auth.sign_in(engine, settings, email="gone@example.com", password=factories.STAFF_PASSWORD).token
    locked = staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    accounts = portal_identities.build(engine, settings, location.id)
    with write_session(engine) as s:
        locked_id = staff_auth.resolve_session(s, settings, locked).session_id
        counter.start(s, locked_id, canary.order.id, "data_consent", audit.SYSTEM)
        staff_auth.sign_out(s, revoked)
        gone_user = staff_users.list_users(s)
        gone_id = next(u.id for u in gone_user if u.email == "gone@example.com")
        staff_auth.deactivate_user(s, gone_id, audit.SYSTEM)
    yield {
        "engine": engine,
        "tokens": tokens,
        "pending": pending.token,
        "must_enrol": must_enrol.token,
        "revoked": revoked,
        "locked": locked,
        "gone": gone,
        "order_id": canary.order.id,
        "code": canary.code,
        "customer_id": customer.id,
        "other_order_id": other.order.id,
        "attachment_id": attachment.id,
        "line_ids": line_ids,
        "location_id": location.id,
        "owner_id": users[Role.OWNER].id,
        "portal": accounts.shortfalls,
        "account_id": accounts.account_id,
        "accounts": accounts,
        "preview": _preview_of_admin(engine, settings, tokens["owner"]),
    }
    engine.dispose()
    patch.undo()
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()


def _enrol_totp(engine, settings, email: str) -> str:
    """Turn TOTP on for a staff member through the services; returns the secret (as their app holds it)."""
    from repair_portal.models import StaffUser

    with write_session(engine) as s:
        user = s.exec(select(StaffUser).where(StaffUser.email == email)).one()
        secret = staff_mfa.start_enrolment(s, settings, user.id).secret
    with write_session(engine) as s:
        outcome = staff_mfa.confirm_enrolment(s, settings, user.id, pyotp.TOTP(secret).now(), audit.SYSTEM)
    assert outcome.ok
    return secret


def _preview_of_admin(engine, settings, owner_token: str) -> str:
    """The preview cookie an owner's "view as this user" gives for the Canary account's admin."""
    from repair_portal.models import PortalUser
    from repair_portal.services import portal_preview

    with write_session(engine) as s:
        admin = s.exec(select(PortalUser).where(PortalUser.email == "halfway@canary.test")).one()
        value = portal_preview.start(s, settings, owner_token, admin.id, ip="", user_agent="")
    assert value is not None
    return value


def _snapshot(engine) -> dict:
    """Every row of every table (a session's last-seen time aside: reading a session refreshes it), as
    stored. Plain SQL: this runs twice for every call in the table."""
    rows, raw = {}, engine.raw_connection()
    try:
        cursor = raw.cursor()
        for name, sql in _SNAPSHOT_SQL.items():
            rows[name] = sorted(map(tuple, cursor.execute(sql).fetchall()), key=repr)
    finally:
        raw.close()
    return rows


def _snapshot_sql() -> dict[str, str]:
    from sqlalchemy import select as sa_select
    from sqlalchemy.dialects import sqlite

    found = {}
    for table in SQLModel.metadata.sorted_tables:
        skip = "last_seen_at" if table.name in ("staff_session", "portal_session") else ""
        columns = [c for c in table.columns if c.name != skip]
        found[table.name] = str(sa_select(*columns).compile(dialect=sqlite.dialect()))
    return found


_SNAPSHOT_SQL = _snapshot_sql()


# --- who calls, from where, with what ----------------------------------------------------------


def _page(cls, w) -> tuple[str, str | None]:
    """(URL path of the page this state belongs to, its loader)."""
    from repair_portal.state.account_order import AccountOrderState
    from repair_portal.state.staff_customers import StaffCustomersState, StaffCustomerState
    from repair_portal.state.staff_order import StaffOrderState
    from repair_portal.state.track import TrackState

    if issubclass(cls, AccountOrderState):  # (a TrackState too) the Canary Works account's own order, by its id
        return f"/portal/orders/{w['accounts'].ids['order']}", "load_tracking"
    if issubclass(cls, TrackState):
        return f"/track/{w['code']}", "load_tracking"
    if cls.__name__ == "StaffOrderInvoiceState":  # the canary order's draft invoice, loaded as the card does
        return f"/staff/orders/{w['order_id']}", "load_invoice"
    if issubclass(cls, StaffOrderState):
        return f"/staff/orders/{w['order_id']}", "load_order"
    if issubclass(cls, StaffCustomerState):
        return f"/staff/customers/{w['customer_id']}", "load_customer"
    if cls.__name__ == "StaffPortalUsersState":  # the account whose portal users forged ids would reach
        return f"/staff/customers/{w['account_id']}", "load_portal_users"
    if cls.__name__ == "StaffCustomerBillingState":  # the canary customer's store credit and invoices
        return f"/staff/customers/{w['customer_id']}", "load_billing"
    if cls.__name__ == "StaffCustomerAssetsState":  # the business account whose sites and assets they'd change
        return f"/staff/customers/{w['account_id']}", "load_customer_assets"
    pages = {
        StaffCustomersState: ("/staff/customers", "load_customers"),
        "EmailSettingsState": ("/staff/settings/emails", "load_email_settings"),
        "StaffPaymentSettingsState": ("/staff/settings/payments", "load_payment_settings"),
        "StaffTextSettingsState": ("/staff/settings/texts", "load_text_settings"),
        "StaffIntakeState": ("/staff/orders/new", "load_intake"),
        "StaffLocationsState": ("/staff/settings/locations", "load_locations"),
        "StaffOrdersState": ("/staff", "load_orders"),
        "StaffPriceListState": ("/staff/settings/price-list", "load_price_list"),
        "StaffShopSettingsState": ("/staff/settings/shop", "load_shop_settings"),
        "StaffUsersState": ("/staff/settings/staff", "load_staff_users"),
        "StaffPortalSettingsState": ("/staff/settings/portal", "load_portal_settings"),
        "StaffBulkInviteState": ("/staff/customers", "load_customers"),
        "StaffWorkflowState": ("/staff/settings/workflow", "load_workflow"),
        "StaffResourcesState": ("/staff/settings/shared-files", "load_shared_files"),
        "PortalResourcesState": ("/portal/files", "load_shared_files"),
        "StaffLoginState": ("/staff/login", "load_login"),
        "StaffCounterState": ("/staff/counter", "load_counter"),
        "StaffSetPasswordState": ("/staff/set-password/not-a-real-link-token", "load_link"),
        "PortalSessionState": ("/portal", "portal_guard"),
        "PortalInvoicesState": ("/portal/invoices", "load_money"),
        "PortalInvoicePayState": ("/portal/invoices", "load_pay"),
        "PortalOrdersState": ("/portal/orders", "load_orders"),
        "PortalHomeState": ("/portal", "load_overview"),
        "PortalSecurityState": ("/portal/security", "load_security"),
        "PortalSignInState": ("/portal/sign-in", "load_sign_in"),
        "PortalVerifyState": ("/portal/verify", "load_verify"),
        "PortalSetPasswordState": ("/portal/set-password/not-a-real-link-token", "load_link"),
        "StaffProfileState": ("/staff/profile", "load_profile"),
        "StaffVerifyState": ("/staff/verify", "load_verify"),
        "StaffAssetState": ("/staff/assets/1", "load_asset"),  # the canary order's device
        "StaffAssetSettingsState": ("/staff/settings/portal", "load_asset_settings"),
        "PortalAssetsState": ("/portal/assets", "load_assets"),
        "PortalAssetState": ("/portal/assets/1", "load_asset"),
        "PortalRequestState": ("/portal/orders/new", "load_request"),
    }
    return pages.get(cls, pages.get(cls.__name__, ("/staff", None)))


def _staff_identities(action, w, *, counter_screen: bool = False, second_step: bool = False, enrol: bool = False):
    """Cookies of every identity that must be refused `action` (None: any staff member may). The counter
    screen's handlers refuse every session not locked to it; every other handler refuses the locked one.
    The second sign-in step's handlers refuse every session but a password-only one, which every other
    handler refuses; a user who must set up TOTP is refused everything but the enrolment's handlers."""
    found = {
        "no one": {},
        "forged session": {cookies.STAFF_SESSION: "forged-session-token-aaaaaaaaaaaa"},
        "signed-out session": {cookies.STAFF_SESSION: w["revoked"]},
        "deactivated user": {cookies.STAFF_SESSION: w["gone"]},
        "a customer's device": {cookies.DEVICE: DEVICE_OF_OTHER_ORDER},
        "must set up TOTP first": {cookies.STAFF_SESSION: w["must_enrol"]},
        PORTAL_ADMIN: {cookies.PORTAL_SESSION: w["accounts"].admin},  # portal rights are not staff rights
    }
    if enrol:
        del found["must set up TOTP first"]
    if counter_screen or second_step:
        for role in Role:
            found[f"{role.value} (not at the counter)" if counter_screen else f"{role.value} (signed in fully)"] = {
                cookies.STAFF_SESSION: w["tokens"][role.value]
            }
        found["password only (MFA pending)" if counter_screen else "owner locked at the counter"] = {
            cookies.STAFF_SESSION: w["pending" if counter_screen else "locked"]
        }
        return found
    found["owner locked at the counter"] = {cookies.STAFF_SESSION: w["locked"]}
    found["password only (MFA pending)"] = {cookies.STAFF_SESSION: w["pending"]}
    if action is not None:
        for role in Role:
            if not can(role, Action(action)):
                found[f"{role.value} (lacks {action})"] = {cookies.STAFF_SESSION: w["tokens"][role.value]}
    return found


def _portal_identities(perm, w, read_only: bool = False) -> dict[str, dict]:
    """Cookies of everyone who must be refused a portal handler needing `perm` (None: any portal user);
    a staff member's "view as this user" preview too, unless the handler only reads."""
    found = {
        "no one": {},
        "forged portal session": {cookies.PORTAL_SESSION: "forged-portal-session-token-aaaaaaaa"},
        "a staff owner (staff rights are not portal rights)": {cookies.STAFF_SESSION: w["tokens"]["owner"]},
        "a customer's verified device": {cookies.DEVICE: DEVICE_OF_OTHER_ORDER},
    }
    for who, token in w["portal"].items():
        if who == "portal user in a group with no permissions" and perm is None:
            continue  # any signed-in portal user may (what it then shows them: test_portal_account_table.py)
        found[who] = {cookies.PORTAL_SESSION: token}
    if not read_only:
        found["a staff owner's read-only preview of a portal admin"] = {
            cookies.PORTAL_PREVIEW: w["preview"],
            cookies.STAFF_SESSION: w["tokens"]["owner"],
        }
    return found


def _second_step_identities(w) -> dict[str, dict]:
    """Everyone the second-step page refuses: all but a session that passed the first factor and owes
    the second (a finished sign-in is sent to its account, and may not enrol or verify again here)."""
    found = {
        "no one": {},
        "forged portal session": {cookies.PORTAL_SESSION: "forged-portal-session-token-aaaaaaaa"},
        "a staff owner (staff rights are not portal rights)": {cookies.STAFF_SESSION: w["tokens"]["owner"]},
        "a customer's verified device": {cookies.DEVICE: DEVICE_OF_OTHER_ORDER},
    }
    for who, token in w["portal"].items():
        if who != "portal admin before the second step (MFA)":
            found[who] = {cookies.PORTAL_SESSION: token}
    return found


def _customer_identities(read_only: bool, w) -> dict[str, tuple[dict, str]]:
    """(cookies, query) of everyone who must not read (or, for actions, change) the canary order."""
    found = {
        "a device that never passed the check": ({}, ""),
        "another order's customer": ({cookies.DEVICE: DEVICE_OF_OTHER_ORDER}, ""),
        "staff without the preview flag": ({cookies.STAFF_SESSION: w["tokens"]["owner"]}, ""),
        "forged staff preview": ({cookies.STAFF_SESSION: "forged-session-token-aaaaaaaaaa"}, "?preview=staff"),
    }
    if not read_only:
        found["staff preview (read only)"] = ({cookies.STAFF_SESSION: w["tokens"]["owner"]}, "?preview=staff")
    return found


class ExplodingUpload:
    """An upload whose body must never be read by a refused handler."""

    filename = "x.jpg"

    async def read(self, *_):
        raise AssertionError("a refused handler read the upload")


def _signature_png() -> str:
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    for x in range(20, 280):
        image.putpixel((x, 50), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _argument_sets(handler, w) -> list[tuple]:
    """Arguments a forged event could carry: the canary's own ids (valid) and malformed ones."""
    form = {
        "amount": "12.50",
        "method": "cash",
        "reference": "forged",
        "note": "forged",
        "body": "forged message",
        "reply": "forged reply",
        "reason": "forged reason",
        "email": "mallory@example.com",
        "name": "Mallory",
        "role": "owner",
        "location": "any",
        "password": "violet kettle under the bridge",
        "confirm": "violet kettle under the bridge",
        "stage_id": "1",
        "customer_label": "Forged",
        "explanation": "Forged",
        "feedback": "forged",
        "signer_name": "Mallory Forger",
        "agree": "on",
        "first_name": "Eve",
        "last_name": "Canary",
        "phone": "+447400900999",  # a valid number: a forged booking would really go through
        "problem": "forged",
        "subject": "forged",
        "intro": "forged",
        # everything booking an order in needs, so a missing permission check would really book one
        "device_kind": "phone",
        "make": "Apple",
        "model": "iPhone 15",
        "serial": "FORGED1",
        "intake_condition": "scratched",
        "location_id": "1",
        "email_updates": "on",
        # the portal's sign-in forms: a code, the current and a new password
        "code": "123456",
        "current": "correct horse battery staple 42",
        "new": "amber lantern over the quay 7",
    }
    good = {
        "int": [w["attachment_id"], w["line_ids"][1], w["owner_id"], w["location_id"], 1],
        "str": [str(w["other_order_id"]), "owner", "approve", "1"],
        "bool": [True],
        "dict": [form],
        "list[rx.UploadFile]": [[ExplodingUpload()]],
    }
    bad = {
        "int": ["²", "9" * 40, -1],
        "str": ["²", "x" * 5000],
        "bool": ["yes"],
        "dict": [{}],
        "list[rx.UploadFile]": [[]],
    }
    params = list(inspect.signature(handler.fn).parameters.values())[1:]
    if not params:
        return [()]
    sets = []
    for table in (good, bad):
        for i in range(max(len(v) for v in table.values())):
            args = []
            for p in params:
                kind = getattr(p.annotation, "__name__", str(p.annotation))
                kind = "str" if kind in ("_empty", "Any") else kind
                values = [_signature_png()] if p.name == "data_url" else table.get(kind, table["str"])
                args.append(values[i % len(values)])
            sets.append(tuple(args))
    return sets


def _call(state, name, args):
    result = getattr(state, name)(*args)
    if inspect.iscoroutine(result):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, result).result()
    if inspect.isasyncgen(result):

        async def drain():
            return [item async for item in result]

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, drain()).result()
    return result


def _fresh_state(cls, w, jar: dict, query: str = ""):
    path, loader = _page(cls, w)
    state = connect(make_state(cls, path=path + query), **jar)
    if query:  # make_state's URL carries no query: rebuild it with one
        from reflex.istate.data import RouterData

        root = state._get_root_state()
        data = {**root.router_data, "asPath": path + query}
        root.router_data = data
        root.router = RouterData.from_router_data(data)
    if loader is not None:
        _call(state, loader, ())  # what this identity's own tab would have loaded
    return state


def _sent(state) -> str:
    return json_dumps(state._get_root_state().dict())


BY_NAME = {f"{cls.__name__}.{name}": (cls, name, h) for cls, name, h in HANDLERS}


def _table(kind: str, *, calls_directly: bool = True) -> list:
    """The handlers the reviewed table gives this kind of guard: their real guard is not consulted,
    so a removed or weakened decorator is exercised with the identities the table says to refuse."""
    found = [BY_NAME[name] for name, row in sorted(TABLE.items()) if row[0] == kind and name in BY_NAME]
    return [t for t in found if not (calls_directly and t[2].is_background)]


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    _table("staff"),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_staff_handlers_refuse_everyone_without_the_permission(world, cls, name, handler):
    _, action, _, _ = TABLE[f"{cls.__name__}.{name}"]  # the reviewed rule, not the decorator's own claim
    qualified = f"{cls.__name__}.{name}"
    identities = _staff_identities(
        action,
        world,
        counter_screen=qualified in COUNTER_HANDLERS,
        second_step=qualified in MFA_PENDING_HANDLERS,
        enrol=qualified in ENROL_HANDLERS,
    )
    tried = 0
    for who, jar in identities.items():
        sets = _argument_sets(handler, world)
        for args in sets[:2] if who == PORTAL_ADMIN else sets:  # (refused by the guard: the arguments don't matter)
            state = _fresh_state(cls, world, jar)
            before = _snapshot(world["engine"])
            _call(state, name, args)
            assert _snapshot(world["engine"]) == before, f"{cls.__name__}.{name}{args!r} as {who} changed data"
            if who.startswith(("no one", "forged", "signed-out", "deactivated", "a customer")):
                sent = _sent(state)
                assert CANARY_EMAIL not in sent and CANARY_PROBLEM not in sent, f"{name} as {who} leaked"
                if who == PORTAL_ADMIN:
                    assert portal_identities.TARGET not in sent and "@canary.test" not in sent, f"{name} leaked"
            tried += 1
    assert tried >= 5


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    _table("customer"),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_customer_handlers_refuse_everyone_who_has_not_passed_the_check(world, cls, name, handler):
    _, _, read_only, _ = TABLE[f"{cls.__name__}.{name}"]
    for who, (jar, query) in _customer_identities(read_only, world).items():
        for args in _argument_sets(handler, world):
            state = _fresh_state(cls, world, jar, query)
            before = _snapshot(world["engine"])
            _call(state, name, args)
            assert _snapshot(world["engine"]) == before, f"{cls.__name__}.{name}{args!r} as {who} changed data"
            if "preview (read only)" not in who:
                sent = _sent(state)
                assert CANARY_EMAIL not in sent and CANARY_PROBLEM not in sent, f"{name} as {who} leaked"


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    [t for t in _table("customer") if TABLE[f"{t[0].__name__}.{t[1]}"][1] is not None],
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_customer_handlers_refuse_the_verified_customer_while_the_visitor_group_lacks_their_part(
    world, cls, name, handler
):
    """The canary's own verified device, with the built-in "Non-portal visitor" group saved without the
    handler's permission (the reviewed table's, not the decorator's): refused, nothing changes."""
    from repair_portal.services import portal_permissions
    from repair_portal.services.portal_permissions import Perm

    _, perm, _, _ = TABLE[f"{cls.__name__}.{name}"]
    with write_session(world["engine"]) as s:
        group = portal_permissions.builtin_group(s, portal_permissions.VISITOR)
        kept = group.permissions_json
        group.permissions_json = portal_permissions.dump(portal_permissions.VISITOR_PERMS - {Perm(perm)})
        s.add(group)
    try:
        for args in _argument_sets(handler, world):
            state = _fresh_state(cls, world, {cookies.DEVICE: DEVICE_OF_CANARY})
            assert state.status == "ok"  # the device passed the check: only the group stands in the way
            before = _snapshot(world["engine"])
            _call(state, name, args)
            assert _snapshot(world["engine"]) == before, f"{cls.__name__}.{name}{args!r} without {perm} changed data"
    finally:
        with write_session(world["engine"]) as s:
            group = portal_permissions.builtin_group(s, portal_permissions.VISITOR)
            group.permissions_json = kept
            s.add(group)


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    _table("portal"),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_portal_handlers_refuse_everyone_without_the_permission(world, cls, name, handler):
    _, perm, read_only, _ = TABLE[f"{cls.__name__}.{name}"]
    tried = 0
    for who, jar in _portal_identities(perm, world, read_only).items():
        for args in _argument_sets(handler, world):
            state = _fresh_state(cls, world, jar)
            before = _snapshot(world["engine"])
            _call(state, name, args)
            assert _snapshot(world["engine"]) == before, f"{cls.__name__}.{name}{args!r} as {who} changed data"
            sent = _sent(state)
            assert CANARY_EMAIL not in sent and CANARY_PROBLEM not in sent, f"{name} as {who} leaked"
            own = who.startswith(("portal user in a group", "a staff owner's read-only preview"))  # (its account's)
            assert "Canary Works" not in sent or own, f"{name} as {who} leaked"
            tried += 1
    assert tried >= 5


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    _table("portal_mfa"),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_second_step_handlers_refuse_everyone_but_a_half_finished_sign_in(world, cls, name, handler):
    tried = 0
    for who, jar in _second_step_identities(world).items():
        for args in _argument_sets(handler, world):
            state = _fresh_state(cls, world, jar)
            before = _snapshot(world["engine"])
            _call(state, name, args)
            assert _snapshot(world["engine"]) == before, f"{cls.__name__}.{name}{args!r} as {who} changed data"
            sent = _sent(state)
            assert CANARY_EMAIL not in sent and CANARY_PROBLEM not in sent, f"{name} as {who} leaked"
            assert "Canary Works" not in sent, f"{name} as {who} leaked"
            tried += 1
    assert tried >= 5


@pytest.mark.parametrize(
    ("cls", "name", "handler"),
    # Background tasks (TrackState.clear_highlight: waits, then clears a highlight) can't be called directly.
    _table("form"),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""),
)
def test_form_only_handlers_touch_no_shop_data(world, cls, name, handler):
    for args in _argument_sets(handler, world):
        state = _fresh_state(cls, world, {})
        before = _snapshot(world["engine"])
        _call(state, name, args)
        assert _snapshot(world["engine"]) == before
        sent = _sent(state)
        assert CANARY_EMAIL not in sent and CANARY_PROBLEM not in sent


def test_the_table_covers_the_shop(world):
    """The canary order really holds what the handlers would change (a sent quote, a file, a customer)."""
    with write_session(world["engine"]) as s:
        assert s.get(ShopSettings, 1).access_mode == "link_last_name"
        assert len(world["line_ids"]) == 2 and world["attachment_id"]
