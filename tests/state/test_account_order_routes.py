"""An account order's files and PDFs (/api/portal/orders/{id}/...): for the account's users whose group may
see that part, never for another account's user, a group without the part, a stranger or a forged id."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import PermissionGroup
from repair_portal.services import attachments, audit, portal_auth, portal_permissions, quotes
from repair_portal.services.portal_permissions import Perm

from .. import factories
from ..portal_factories import business, portal_user


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        ours, theirs = business(s, "Ours Ltd"), business(s, "Theirs Ltd")
        made = factories.order(s, location, last_name="Ours")
        order = made.order
        order.customer_id = ours.id
        quote = quotes.create_quote(s, order, [quotes.LineSpec("Screen", 1, 9900)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        photo = io.BytesIO()
        Image.new("RGB", (16, 16), "red").save(photo, format="PNG")
        item = attachments.add_attachment(
            s, app_env.uploads_dir, order, "p.png", photo.getvalue(), visible=True, actor=audit.SYSTEM
        )
        hidden = attachments.add_attachment(
            s, app_env.uploads_dir, order, "h.png", photo.getvalue(), visible=False, actor=audit.SYSTEM
        )
        messages_only = PermissionGroup(
            name="Messages only", permissions_json=portal_permissions.dump({Perm.ORDERS_VIEW_ALL, Perm.MESSAGES_SEND})
        )
        s.add(messages_only)
        s.flush()
        sessions = {}
        for who, account, group in (("ours", ours, None), ("theirs", theirs, None), ("messages", ours, messages_only)):
            user = portal_user(s, email=f"{who}@test.example", customer=account, group=group)
            sessions[who] = portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
    return {"order": order.id, "file": item.id, "hidden": hidden.id, "sessions": sessions}


def _get(world, who: str | None, path: str):
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    if who:
        client.cookies.set(cookies.PORTAL_SESSION, world["sessions"][who])
    return client.get(path)


def test_the_accounts_user_gets_its_files_and_pdfs(world):
    photo = _get(world, "ours", routes.portal_order_api(world["order"], f"/files/{world['file']}"))
    assert photo.status_code == 200 and photo.headers["x-content-type-options"] == "nosniff"
    quote = _get(world, "ours", routes.portal_order_api(world["order"], "/quote.pdf"))
    assert quote.status_code == 200 and quote.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["theirs", "messages", None])
def test_anyone_else_gets_nothing(world, who):
    for rest in (f"/files/{world['file']}", "/quote.pdf", "/invoice.pdf", "/signed.pdf"):
        answer = _get(world, who, routes.portal_order_api(world["order"], rest))
        assert answer.status_code == 404, (who, rest)
        assert b"%PDF" not in answer.content and b"PNG" not in answer.content


def test_hidden_files_forged_and_foreign_ids_are_not_found(world):
    for order_id, file_id in (
        (world["order"], world["hidden"]),
        (world["order"], 999999),
        ("²", world["file"]),
        (world["order"] + 1, world["file"]),
    ):
        answer = _get(world, "ours", routes.portal_order_api(order_id, f"/files/{file_id}"))
        assert answer.status_code == 404, (order_id, file_id)
