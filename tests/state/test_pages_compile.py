"""Every registered page builds its component tree (fast feedback before the browser tests)."""

import pytest

import repair_portal.repair_portal  # noqa: F401
from repair_portal.components.registry import PAGES

EXPECTED_ROUTES = {
    "/staff",
    "/staff/login",
    "/staff/orders/new",
    "/staff/orders/[order_id]",
    "/staff/settings/emails",
    "/staff/settings/shop",
    "/staff/settings/locations",
    "/staff/settings/workflow",
    "/staff/settings/price-list",
    "/staff/settings/staff",
    "/staff/settings/portal",
    "/staff/settings/shared-files",
    "/staff/settings/payments",
    "/staff/settings/texts",
    "/staff/customers",
    "/staff/counter",
    "/staff/profile",
    "/staff/verify",
    "/staff/customers/[customer_id]",
    "/staff/assets/[asset_id]",
    "/staff/set-password/[token]",
    "/track/[code]",
    "/portal",
    "/portal/sign-in",
    "/portal/verify",
    "/portal/security",
    "/portal/assets",
    "/portal/assets/[asset_id]",
    "/portal/files",
    "/portal/invoices",
    "/portal/orders",
    "/portal/orders/[order_id]",
    "/portal/orders/new",
    "/portal/set-password/[token]",
    "/lookup",
}


def test_all_pages_are_registered():
    assert {p.route for p in PAGES} >= EXPECTED_ROUTES


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.route)
def test_page_builds(spec):
    component = spec.render()
    assert component.render()  # the tree serialises for the compiler
    public = ("/staff/login", "/staff/set-password/[token]")
    staff = spec.route.startswith("/staff") and spec.route not in public
    first = spec.on_load[0].fn if staff else None
    # every staff page runs the session guard first; the counter screen's own loader is guarded for locked
    # sessions, the second sign-in step's for password-only ones
    special = first is not None and first.guard.kind == "staff" and (first.guard.counter or first.guard.mfa_pending)
    assert not staff or first.__name__ == "guard" or special


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.route)
def test_no_page_loads_every_icon(spec):
    """An icon named by a state var makes lucide ship all 1,784 icons to every browser (components/ui.icon_of
    picks from a known set instead)."""
    import json

    assert "DynamicIcon" not in json.dumps(spec.render().render(), default=str)
