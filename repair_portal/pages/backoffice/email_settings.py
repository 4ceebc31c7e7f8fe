"""/staff/settings/emails: edit the subject and intro of each email, with a preview."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import field_label
from ...state.staff_email_settings import EmailSettingsState, TemplateOption

S = EmailSettingsState


def _template_item(option: TemplateOption) -> rx.Component:
    """A button (a keyboard reaches it), pressed while its template is the one being edited."""
    active = S.selected == option.key
    return rx.el.button(
        rx.text(option.label, size="2", weight=rx.cond(active, "bold", "regular"), as_="span", display="block"),
        rx.text(
            rx.cond(option.audience == "shop", "To the shop", "To the customer"),
            size="1",
            color_scheme="gray",
            as_="span",
            display="block",
        ),
        type="button",
        on_click=S.choose(option.key),
        aria_pressed=rx.cond(active, "true", "false"),
        padding="0.5rem 0.75rem",
        border_radius="8px",
        border="none",
        cursor="pointer",
        text_align="left",
        color="inherit",
        font="inherit",
        background=rx.cond(active, "var(--teal-3)", "transparent"),
        _hover={"background": "var(--gray-3)"},
        width="100%",
        class_name="template-item",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            field_label("Subject", "tpl-subject"),
            rx.input(
                value=S.subject, on_change=S.edit_subject, on_blur=S.refresh_preview, id="tpl-subject", width="100%"
            ),
            field_label("Intro", "tpl-intro"),
            rx.text_area(
                value=S.intro, on_change=S.edit_intro, on_blur=S.refresh_preview, id="tpl-intro", rows="4", width="100%"
            ),
            rx.text("You can use: ", S.placeholders, size="1", color_scheme="gray"),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error, icon="circle-alert", color_scheme="red", high_contrast=True, size="1", role="alert"
                ),
            ),
            rx.hstack(
                rx.button("Preview", on_click=S.refresh_preview, variant="soft", size="2"),
                rx.button("Save", on_click=S.handle_save, size="2", id="tpl-save"),
                justify="end",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Preview", size="2", weight="bold", color_scheme="gray"),
                rx.spacer(),
                rx.text("with your latest order", size="1", color_scheme="gray"),
            ),
            rx.text(S.preview_subject, size="3", weight="bold", id="preview-subject"),
            rx.cond(
                S.preview_html != "",
                rx.el.iframe(
                    src_doc=S.preview_html,
                    title="Email preview",
                    sandbox="",
                    style={
                        "width": "100%",
                        "height": "34rem",
                        "border": "1px solid var(--gray-5)",
                        "border_radius": "8px",
                        "background": "white",
                    },
                ),
                rx.text("Book in an order to see a preview.", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


@staff_page(routes.STAFF_SETTINGS_EMAILS, "Email settings", on_load=[EmailSettingsState.load_email_settings])
def email_settings_page() -> rx.Component:
    body = rx.flex(
        rx.card(
            rx.vstack(
                rx.foreach(S.templates, _template_item),
                spacing="1",
                width="100%",
                role="group",
                aria_label="Emails",
            ),
            size="1",
            width=rx.breakpoints(initial="100%", md="17rem"),
            flex_shrink="0",
        ),
        rx.vstack(_editor(), _preview(), spacing="4", flex="1", min_width="0", width="100%"),
        direction=rx.breakpoints(initial="column", md="row"),
        gap="1rem",
        width="100%",
        align="start",
    )
    return staff_layout(
        routes.STAFF_SETTINGS_EMAILS,
        "Emails",
        "What customers and the shop receive. Links, branding and contact details are added automatically.",
        body,
    )
