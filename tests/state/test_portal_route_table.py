"""The account portal's HTTP routes (/api/portal/...: invoices, the statement, an order's documents, files
and service report, asset certificates and defect photos, shared files) × everyone who must not have them:
no one, a forged, signed-out or disabled user's cookie, an admin still owing the second step, a staff
session, ANOTHER account's admin (with this account's ids) and each group lacking the route's permission.
Each gets a 4xx and no file bytes; this account's own admin gets every file (so the refusals mean something).
"""

from __future__ import annotations

import shutil

import pytest
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.db import make_engine, write_session
from repair_portal.models import Role
from repair_portal.services import staff_auth
from repair_portal.services.portal_permissions import Perm

from .. import factories
from ..conftest import TEST_SECRET_KEY, installation_keys
from . import portal_identities
from .portal_identities import LACKING

P = Perm
FILE_MAGIC = (b"%PDF", b"\xff\xd8", b"\x89PNG")


@pytest.fixture(scope="module")
def world(tmp_path_factory, _migrated_template):
    import bcrypt

    from repair_portal import db
    from repair_portal import settings as settings_mod

    tmp = tmp_path_factory.mktemp("portal-routes")
    installation_keys(tmp)
    shutil.copyfile(_migrated_template, tmp / "routes.db")
    url = f"sqlite:///{tmp / 'routes.db'}"
    patch = pytest.MonkeyPatch()
    salt = bcrypt.gensalt  # cost 4, as tests/conftest.py's _quick_bcrypt (which runs after module fixtures)
    patch.setattr(bcrypt, "gensalt", lambda rounds=12, prefix=b"2b": salt(min(rounds, 4), prefix))
    env = {"DATA_DIR": str(tmp), "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY, "PUBLIC_URL": "http://shop.test"}
    for key, value in env.items():
        patch.setenv(key, value)
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()
    settings = settings_mod.get_settings()
    engine = make_engine(url)
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
    accounts = portal_identities.build(engine, settings, location.id)
    owner = staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    yield {"accounts": accounts, "owner": owner}
    engine.dispose()
    patch.undo()
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()


def _routes(w) -> list[tuple[str, frozenset[Perm], bool]]:
    """(path with the target account's ids, the permissions any one of which the route needs, whether it
    also needs the order: the shop's orders need "see all", every group below lacking it is refused)."""
    ids = w["accounts"].ids
    order, billed = f"/api/portal/orders/{ids['order']}", f"/api/portal/orders/{ids['billed_order']}"
    asset = f"/api/portal/assets/{ids['asset']}"
    return [
        (f"/api/portal/invoices/{ids['invoice']}.pdf", frozenset({P.INVOICES_VIEW}), False),
        ("/api/portal/statement.pdf?from=2025-01-01&to=2028-12-31", frozenset({P.INVOICES_VIEW}), False),
        (f"{order}/quote.pdf", frozenset({P.QUOTES_DECIDE, P.FILES_VIEW}), True),
        (f"{order}/signed.pdf", frozenset({P.QUOTES_DECIDE, P.FILES_VIEW}), True),
        (f"{billed}/invoice.pdf", frozenset({P.INVOICES_VIEW, P.PAYMENTS_VIEW}), True),
        (f"{order}/files/{ids['attachment']}", frozenset({P.FILES_VIEW}), True),
        (f"{order}/service-reports/{ids['report']}.pdf", frozenset({P.FILES_VIEW}), True),
        (f"{asset}/certificates/{ids['test']}.pdf", frozenset({P.ASSETS_VIEW}), False),
        (f"{asset}/photos/{ids['photo']}.jpg", frozenset({P.ASSETS_VIEW}), False),
        (f"/api/portal/files/{ids['file']}", frozenset({P.RESOURCES_VIEW}), False),
    ]


def _client(jar: dict) -> TestClient:
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for name, value in jar.items():
        client.cookies.set(name, value)
    return client


def test_every_portal_data_route_is_in_this_table():
    from starlette.routing import Route

    sign_in = ("/api/portal/session", "/api/portal/magic/")
    listed = {
        r.path
        for r in api_routes().routes
        if isinstance(r, Route) and r.path.startswith("/api/portal/") and not r.path.startswith(sign_in)
    }
    assert len(listed) == 10  # _routes() has one row for each (a new route needs a row there)


def test_the_accounts_own_admin_gets_every_file(world):
    client = _client({cookies.PORTAL_SESSION: world["accounts"].admin})
    for path, _, _ in _routes(world):
        response = client.get(path)
        if path.endswith("/signed.pdf"):  # nothing was signed yet: no such document, for anyone
            assert response.status_code == 404
            continue
        assert response.status_code == 200 and response.content.startswith(FILE_MAGIC), path


def _refused(w) -> dict[str, tuple[dict, object]]:
    """who → (cookies, which routes refuse them: a predicate on (needs, needs_order) or None for every one)."""
    acc = w["accounts"]
    found: dict[str, tuple[dict, object]] = {
        "no one": ({}, None),
        "forged portal session": ({cookies.PORTAL_SESSION: "forged-portal-session-token-aaaaaaaa"}, None),
        "a staff owner (staff rights are not portal rights)": ({cookies.STAFF_SESSION: w["owner"]}, None),
        **{who: ({cookies.PORTAL_SESSION: cookie}, None) for who, cookie in acc.shortfalls.items()},
        # (the statement is of the caller's own account: there is no id of this one to put in its path)
        "another account's admin": (
            {cookies.PORTAL_SESSION: acc.other_admin},
            lambda path, needs, order: "statement" not in path,
        ),
    }
    for who, missing in LACKING.items():
        found[who] = (
            {cookies.PORTAL_SESSION: acc.lacking[who]},
            lambda path, needs, order, missing=missing: needs <= missing or (order and P.ORDERS_VIEW_ALL in missing),
        )
    return found


def test_every_portal_data_route_refuses_everyone_else_and_sends_no_file(world):
    tried = 0
    for who, (jar, applies) in _refused(world).items():
        client = _client(jar)
        for path, needs, needs_order in _routes(world):
            if applies is not None and not applies(path, needs, needs_order):
                continue
            response = client.get(path, follow_redirects=False)
            assert response.status_code in (401, 403, 404), f"{path} as {who}: {response.status_code}"
            assert not response.content.startswith(FILE_MAGIC), f"{path} as {who} sent the file"
            assert portal_identities.TARGET.encode() not in response.content, f"{path} as {who}"
            tried += 1
    assert tried >= 90
