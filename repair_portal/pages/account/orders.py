"""/portal/orders: the account's orders (or the user's own), searched and filtered on the server."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page
from ...components.portal.account_orders import order_list
from ...state.portal_orders import PortalOrdersState as S


@account_page(routes.PORTAL_ORDERS, "Orders", on_load=[S.load_orders])
def account_orders() -> rx.Component:
    return account_layout("orders", order_list())
