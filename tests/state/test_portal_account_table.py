"""The account portal in the permission table, against a business account full of data (portal_identities.py):

- ANOTHER account's fully signed-in admin (every permission, of their own account) calls every
  account-portal handler at this account's orders, quote lines, invoices, assets, sites, passkeys... by
  forged ids: the database is unchanged and nothing of this account reaches their state;
- a user of this account in each group lacking a permission (holding every other one; and lacking all the
  alternatives a page accepts) is refused what needs it, changes nothing, and no handler, including
  those any portal user may call, puts into the state what the group may not see;
- this account's own admin really receives every marker (else the checks above would prove nothing).

The shop is built by test_permission_table's `world` fixture (once more for this module), so both tables
see the same shop, accounts and identities.
"""

from __future__ import annotations

import pytest

from repair_portal import cookies
from repair_portal.services.portal_permissions import Perm

from . import test_permission_table as table
from .conftest import connect, make_state
from .permission_table import TABLE
from .portal_identities import LACKING, REQUESTER, every_marker, hidden_markers

world = table.world  # (the same module-scoped fixture: this module gets its own shop)

PORTAL = table._table("portal")  # every account-portal handler the table lists
# Handlers that act only on the signed-in user themselves (their password, TOTP, passkeys), never on an id
# of the account's data: for another account's admin they may change that admin's own rows.
OWN_USER = {
    "PortalSecurityState.start_enrol",  # a new pending secret for their own authenticator
    "PortalSecurityState.send_password_link",  # a link to their own address
    "PortalPasskeysState.start_passkey",  # a challenge for their own new passkey
}
# Handlers that need one of several permissions besides their guard's (AccountPayState: a group that sees
# neither invoices nor payments can't pay from the order page either).
ANY_OF = {
    "AccountPayState.handle_pay": frozenset({Perm.INVOICES_VIEW, Perm.PAYMENTS_VIEW}),
    "AccountPayState.pay_deposit": frozenset({Perm.INVOICES_VIEW, Perm.PAYMENTS_VIEW}),
}


def _on_order_page(cls) -> bool:
    from repair_portal.state.account_order import AccountOrderState

    return issubclass(cls, AccountOrderState)


def _pages(cls, w) -> list[tuple[str, str | None]]:
    """Every page of the target account this state could be opened at (its orders, its asset)."""
    from repair_portal.state.portal_asset import PortalAssetState

    ids = w["accounts"].ids
    if _on_order_page(cls):
        return [(f"/portal/orders/{ids[k]}", "load_tracking") for k in ("order", "billed_order", "mine_order")]
    if issubclass(cls, PortalAssetState):
        return [(f"/portal/assets/{ids['asset']}", "load_asset")]
    return [table._page(cls, w)]


def _open(cls, path: str, loader: str | None, cookie: str):
    state = connect(make_state(cls, path=path), **{cookies.PORTAL_SESSION: cookie})
    if loader is not None:
        table._call(state, loader, ())
    return state


def _forged_args(handler, w) -> list[tuple]:
    """Arguments naming the target account's objects (and the other account's admin's own page numbers)."""
    import inspect

    acc = w["accounts"]
    ids = acc.ids
    form = {
        "body": "forged message",
        "feedback": "forged",
        "reason": "forged",
        "signer_name": "Mallory Forger",
        "agree": "on",
        "amount": "10.00",
        f"pay_{ids['invoice']}": "on",
        f"amount_{ids['invoice']}": "10.00",
        "text": "PO-CANARY",
        "site": str(ids["site"]),
        "status": "all",
        "name": "forged key",
        "current": "correct horse battery staple 42",
        "new": "amber lantern over the quay 7",
        "confirm": "amber lantern over the quay 7",
        "code": "123456",
    }
    values = {
        "line_id": [ids["line"], ids["passkey"], ids["invoice"]],
        "accepted": [True, False],
        "passkey_id": [ids["passkey"], ids["line"], ids["defect"]],
        "page": [1, 2, ids["file"]],
        "name": ["site", "kind", "status"],
        # (searches echo what was typed: never a whole marker, or the echo would read as a leak)
        "value": [str(ids["site"]), "Printer", acc.invoice_number[:-1], "PO-CANARY", "Canary", "unpaid", "fixed"],
        "on": [True, False],
        "data_url": [table._signature_png()],
        "answer": ['{"id": "canary-cred", "type": "public-key"}'],
        "form_data": [form],
        "files": [[table.ExplodingUpload()]],
    }
    params = list(inspect.signature(handler.fn).parameters)[1:]
    if not params:
        return [()]
    longest = max(len(values[p]) for p in params)
    return [tuple(values[p][i % len(values[p])] for p in params) for i in range(longest)]


def _walk(w, cookie: str, plan: dict, hidden: list[str], who: str) -> list[str]:
    """Open each page as this user (its loader), then call the planned handlers there one after another, as
    a tab would. A handler that may write is checked on its own (the database unchanged; for OWN_USER, the
    accounts' rows unchanged), the reads together; after the loader and after every call, nothing in
    `hidden` may be in the state. Returns the leaks found (as "what: markers")."""
    engine = w["engine"]
    problems, base = [], table._snapshot(engine)
    for (cls, path, loader), calls in plan.items():
        state = _open(cls, path, loader, cookie)
        problems += _leaks_of(state, hidden, f"{cls.__name__}.{loader} at {path}")
        for qualified, name, args in calls:
            writes = not TABLE[qualified][2]
            if writes:
                before = table._snapshot(engine)
                assert before == base, f"a read before {qualified} at {path} as {who} changed data"
            table._call(state, name, args)
            if writes:
                after = table._snapshot(engine)
                if qualified in OWN_USER:
                    _only_their_own_rows_changed(before, after, w["accounts"].other_admin_id)
                else:
                    assert after == before, f"{qualified}{args!r} at {path} as {who} changed data"
                base = after
            problems += _leaks_of(state, hidden, f"{qualified}{args!r} at {path}")
    assert table._snapshot(engine) == base, f"a read as {who} changed data"
    return problems


def _leaks_of(state, hidden: list[str], what: str) -> list[str]:
    sent = table._sent(state)
    leaked = [m for m in hidden if m in sent]
    return [f"{what}: {leaked}"] if leaked else []


def _only_their_own_rows_changed(before: dict, after: dict, own_user_id: int) -> None:
    """Every portal user but the caller, every session, passkey and the accounts' data are as they were (the
    caller's own pending TOTP secret, passkey challenge or outgoing mail may be new)."""
    for name in ("portal_user", "portal_session", "passkey", "customer", "order", "invoice", "device", "payment"):
        rows = [
            [r for r in snapshot.get(name, []) if name != "portal_user" or r[0] != own_user_id]
            for snapshot in (before, after)
        ]
        assert rows[0] == rows[1], f"{name} changed"


CLASSES = sorted({t[0] for t in PORTAL}, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_another_accounts_admin_reaches_nothing_of_this_account(world, cls):
    """Every handler of the state, at every page of this account's objects, with this account's ids."""
    acc = world["accounts"]
    names = [(n, h) for c, n, h in PORTAL if c is cls and f"{c.__name__}.{n}" != "PortalRequestState.handle_submit"]
    plan = {
        (cls, path, loader): [(f"{cls.__name__}.{n}", n, args) for n, h in names for args in _forged_args(h, world)]
        for path, loader in _pages(cls, world)
    }
    assert any(plan.values())
    assert _walk(world, acc.other_admin, plan, every_marker(acc.invoice_number), "another account's admin") == []


def test_another_accounts_admin_cant_request_work_at_this_accounts_site_or_asset(world):
    """ "Request a job" takes the site and the asset from the form's draft: the target account's, in every
    mix with the caller's own site or a new device, is refused and books nothing."""
    from repair_portal.state.portal_request import PortalRequestState

    acc = world["accounts"]
    ids = acc.ids
    drafts = [
        {"site": ids["site"], "asset": ids["asset"]},
        {"site": acc.other_site_id, "asset": ids["asset"]},
        {"site": ids["site"], "asset": "new", "new_kind": "Printer", "new_make": "Brother"},
    ]
    for draft in drafts:
        state = _open(PortalRequestState, "/portal/orders/new", "load_request", acc.other_admin)
        assert state.request_loaded and state.site_options  # their own form, with their own site
        for field, value in {"description": "Forged job", **draft}.items():
            table._call(state, "set_request_field", (field, str(value)))
        before = table._snapshot(world["engine"])
        table._call(state, "handle_submit", ([],))
        assert table._snapshot(world["engine"]) == before, f"a request with {draft} went through"
        assert state.errors or state.form_error, f"{draft}: refused without saying why"
        assert _leaks_of(state, every_marker(acc.invoice_number), "the request") == []


def _refused(qualified: str, perm, missing: frozenset[Perm]) -> bool:
    """Whether a user whose group lacks `missing` (and holds every other permission) must be refused."""
    if perm is not None and Perm(perm) in missing:
        return True
    return qualified in ANY_OF and ANY_OF[qualified] <= missing


def _sees_order(path: str, who: str, w) -> bool:
    """Whether the order of an order page is this group's to see: the shop's orders with "see all", the
    one REQUESTER asked for also with "see their own" (only REQUESTER's group has that without "see all")."""
    missing = SHORTFALLS[who]
    if Perm.ORDERS_VIEW_ALL not in missing:
        return True
    return who == REQUESTER and path.endswith(f"/{w['accounts'].ids['mine_order']}")


SHORTFALLS = {**LACKING, "no permissions at all": frozenset(Perm)}


@pytest.mark.parametrize("who", sorted(SHORTFALLS))
def test_each_group_lacking_a_permission_gets_and_changes_only_what_it_may(world, who):
    """Every page's loader; every handler the group must be refused (two forged argument sets each); and
    every read the group may make (the guard lets it through: the handler must hold back what it can't see)."""
    acc = world["accounts"]
    missing = SHORTFALLS[who]
    cookie = acc.lacking.get(who) or acc.shortfalls["portal user in a group with no permissions"]
    plan = {}
    for cls, name, handler in PORTAL:
        qualified = f"{cls.__name__}.{name}"
        _, perm, read_only, _ = TABLE[qualified]
        for path, loader in _pages(cls, world):
            calls = plan.setdefault((cls, path, loader), [])
            refused = _refused(qualified, perm, missing) or (_on_order_page(cls) and not _sees_order(path, who, world))
            if not (refused or read_only) or (name == "start_live" and not refused):
                continue  # allowed to change things (or live updates: they need a running server)
            calls += [(qualified, name, args) for args in _forged_args(handler, world)[: 2 if refused else 1]]
    hidden = hidden_markers(frozenset(Perm) - missing, acc.invoice_number)
    assert _walk(world, cookie, plan, hidden, who) == [], f"the group that {who} received what it may not see"


def test_the_accounts_own_admin_receives_every_marker_so_the_checks_above_mean_something(world):
    acc = world["accounts"]
    seen = ""
    for cls in {t[0] for t in PORTAL}:
        for path, loader in _pages(cls, world):
            state = _open(cls, path, loader, acc.admin)
            if _on_order_page(cls):
                table._call(state, "load_quote", ())
            seen += table._sent(state)
    missing = [m for m in every_marker(acc.invoice_number) if m not in seen and m != "canary.test"]
    assert missing == []


def test_see_their_own_shows_the_users_own_request_and_not_the_accounts_other_orders(world):
    from repair_portal.state.portal_orders import PortalOrdersState

    acc = world["accounts"]
    state = _open(PortalOrdersState, "/portal/orders", "load_orders", acc.lacking[REQUESTER])
    assert [r.po_number for r in state.rows] == ["PO-CANARY-MINE"]


def test_an_order_page_holds_the_quote_only_for_a_group_that_may_decide_quotes(world):
    """(Found by the table: the quote's lines, totals and signatures used to reach every group that could
    see the order, though the quote tab is absent without "Quotes: approve and decline".)"""
    from repair_portal.state.account_order import AccountOrderState

    acc = world["accounts"]
    page = f"/portal/orders/{acc.ids['order']}"
    for cookie, decides in ((acc.lacking["lacks quotes.decide"], False), (acc.admin, True)):
        state = _open(AccountOrderState, page, "load_tracking", cookie)
        table._call(state, "load_quote", ())
        assert state.status == "ok" and state.has_quote is decides
        assert [line.description for line in state.quote_lines] == (["Canary quote line: fuser"] if decides else [])


def test_the_order_list_offers_its_site_filter_only_to_a_group_that_sees_the_list(world):
    """(Found by the table: the account's site names used to reach a group that may see no orders.)"""
    from repair_portal.state.portal_orders import PortalOrdersState

    acc = world["accounts"]
    request_only = acc.lacking["lacks orders.view_all and orders.view_mine"]
    nothing = acc.shortfalls["portal user in a group with no permissions"]
    for cookie in (request_only, nothing):
        state = _open(PortalOrdersState, "/portal/orders", "load_orders", cookie)
        assert state.sites == [] and state.rows == []
    assert [c.label for c in _open(PortalOrdersState, "/portal/orders", "load_orders", acc.admin).sites] == [
        "Canary Wharf Depot"
    ]
