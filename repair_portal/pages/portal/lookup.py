"""/lookup: "find my repair" — an order reference and a last name, posted to the server's own route.
(`?embed=1`, the same form for an iframe on the shop's website, is plain HTML: api/widget.py.)"""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.portal.common import ACCENT_BUTTON, field_label
from ...components.portal.contact import contact_card
from ...components.portal.unavailable import link_off_card, portal_off_card
from ...components.portal_shell import portal_layout, portal_page
from ...components.ui import post_form
from ...state.lookup import LookupState as L

INTRO = "Enter the order reference from your receipt or email, and the last name the repair is booked under."


def _field(label: str, element_id: str, hint: str = "", **props) -> rx.Component:
    """A labelled field; the error (when there is one) and the hint describe it to screen readers."""
    hint_id = f"{element_id}-hint" if hint else ""
    described = rx.cond(L.error != "", f"lookup-error {hint_id}".strip(), hint_id)
    return rx.vstack(
        field_label(label, element_id),
        *([rx.text(hint, size="2", color_scheme="gray", id=hint_id)] if hint else []),
        rx.input(
            id=element_id,
            size="3",
            width="100%",
            required=True,
            aria_invalid=rx.cond(L.error != "", "true", "false"),
            aria_describedby=described,
            **props,
        ),
        spacing="1",
        width="100%",
    )


def lookup_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Find your repair", as_="h1", size="6", id="lookup-heading"),
            rx.text(INTRO, size="3", color_scheme="gray"),
            post_form(
                rx.vstack(
                    _field(
                        "Order reference",
                        "lookup-reference",
                        "For example R-10042 (or just 10042).",
                        name="reference",
                        default_value=L.typed_reference,
                        auto_complete="off",
                        auto_capitalize="characters",
                        spell_check=False,
                    ),
                    _field(
                        "Last name",
                        "lookup-last-name",
                        name="last_name",
                        auto_complete="family-name",
                    ),
                    rx.cond(
                        L.error != "",
                        rx.callout(
                            L.error, icon="circle-alert", color_scheme="red", size="1", id="lookup-error", role="alert"
                        ),
                    ),
                    rx.button(
                        rx.icon("search", size=16, aria_hidden="true"),
                        "Find my repair",
                        type="submit",
                        size="3",
                        width="100%",
                        id="lookup-submit",
                        style=ACCENT_BUTTON,
                    ),
                    spacing="3",
                    width="100%",
                ),
                # A real form post: the route alone checks the name and writes the HttpOnly device cookie.
                action=L.form_action,
                form_id="lookup-form",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _page(*children: rx.Component) -> rx.Component:
    shop_name = rx.cond(L.shop_name != "", L.shop_name, "Repair tracking")
    theme = {"logo": L.logo_url, "ink": L.accent_ink, "text": L.accent_text}
    return portal_layout(shop_name, L.accent_surface, *children, **theme)


@portal_page(routes.LOOKUP, "Find your repair", on_load=[L.load_lookup])
def lookup_page() -> rx.Component:
    return rx.match(
        L.status,
        ("loading", rx.center(rx.spinner(size="3"), min_height="100vh")),
        ("off", _page(portal_off_card(L.contact))),
        ("link_off", _page(link_off_card(L.contact), contact_card(L.contact))),
        _page(lookup_form(), contact_card(L.contact)),
    )
