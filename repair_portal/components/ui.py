"""Small UI pieces the back-office pages share: labelled fields with inline errors, the pager, sticky headers,
scrolling regions, links that look like buttons, and the palette that keeps text readable."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

STICKY_HEAD = {"position": "sticky", "top": "0", "background": "var(--gray-3)", "z_index": "1"}

# Radix's step 9 under white text (teal 3.1:1, red 3.9:1, green 3.2:1) and its step 11 text on tinted or
# grey backgrounds (teal on grey 4.3:1, green on green-2 4.49:1) fall short of WCAG AA's 4.5:1. The back
# office darkens those steps (same hues): each value below has at least 4.6:1 against white, its scale's
# step 3 and the page grey. Badges and callouts of other colours use Radix's `high_contrast` instead.
# More specific than Radix's `:root, .light` so it also wins inside dialogs (each portal is a theme root).
STAFF_PALETTE = {
    "teal-9": "#0f766e",  # white text 5.5:1 (the brand colour of the theme-color meta)
    "teal-10": "#115e59",
    "teal-11": "#0b6b63",
    "teal-a11": "#0b6b63",
    "red-9": "#c62828",  # white text 5.6:1
    "red-10": "#b71c1c",
    "green-9": "#1e7b4f",  # white text 5.3:1
    "green-10": "#196a44",
    "green-11": "#1a6b45",
    "green-a11": "#1a6b45",
}
_PALETTE_CSS = (
    ":root .radix-themes, :root.radix-themes {"
    + " ".join(f"--{name}: {value};" for name, value in STAFF_PALETTE.items())
    + "}"
)


def staff_palette() -> rx.Component:
    """The back office's readable palette; rendered by its pages only, so the portal keeps its own."""
    return rx.el.style(_PALETTE_CSS)


def field_label(text, element_id: str, *, required: bool = False) -> rx.Component:
    """A label bound to its control (`for`: a click focuses it, screen readers announce it)."""
    marker = (
        [rx.el.span(" *", aria_hidden="true", style={"color": "var(--red-11)"}), visually_hidden(" (required)")]
        if required
        else []
    )
    return rx.el.label(rx.text(text, *marker, as_="span", size="2", weight="medium"), html_for=element_id)


def scroll_region(*children, label, **props) -> rx.Component:
    """A box that scrolls (a long table): keyboard users can focus and scroll it, and it has a name."""
    return rx.box(*children, tab_index=0, role="region", aria_label=label, **props)


def link_button(*children, href, external: bool = False, **props) -> rx.Component:
    """A link that looks like a button: one element with one role, never a button inside a link.

    In-app paths navigate without reloading the page; `external` opens a new tab (documents)."""
    target = (
        rx.el.a(*children, href=href, target="_blank", rel="noopener")
        if external
        else ReactRouterLink.create(*children, to=href)
    )
    return rx.button(target, as_child=True, **props)


def named_upload(label: str, *children, **props) -> rx.Component:
    """`rx.upload` whose file input has a name (react-dropzone's input comes without a label)."""
    upload = rx.upload(*children, **props)
    zone = upload.children[0]
    file_input = zone.children[0]
    file_input.custom_attrs["aria-label"] = label
    return upload


def field_error(message, element_id: str) -> rx.Component:
    """The inline message under a field (`<id>-error`), shown only when there is one."""
    return rx.cond(
        message != "",
        rx.text(
            message, size="1", color_scheme="red", id=f"{element_id}-error", class_name="field-error", role="alert"
        ),
    )


def conflict_notice(message, *details: rx.Component, element_id: str) -> rx.Component:
    """The one way an editor shows a save conflict (the message comes from `services.edits.EditConflict`)."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(rx.callout.text(message), *details, spacing="2"),
            color_scheme="amber",
            high_contrast=True,
            size="1",
            width="100%",
            id=element_id,
            role="alert",
        ),
    )


def form_field(label: str, control: rx.Component, element_id: str, error, hint: str = "") -> rx.Component:
    """Label (tied to the control for screen readers and clicks), control, hint, inline error."""
    return rx.vstack(
        field_label(label, element_id),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(error, element_id),
        spacing="1",
        width="100%",
    )


def pager(label, on_prev, on_next, has_prev, has_next, *, ids: tuple[str, str, str] | None = None) -> list:
    """'1–25 of 300' with previous/next buttons; `ids` = (label, previous, next) element ids."""
    label_id, prev_id, next_id = ids or ("page-label", "page-prev", "page-next")
    return [
        rx.text(label, size="2", color_scheme="gray", white_space="nowrap", id=label_id),
        rx.button(
            rx.icon("chevron-left", size=16),
            on_click=on_prev,
            disabled=~has_prev,
            variant="soft",
            size="2",
            aria_label="Previous page",
            id=prev_id,
        ),
        rx.button(
            rx.icon("chevron-right", size=16),
            on_click=on_next,
            disabled=~has_next,
            variant="soft",
            size="2",
            aria_label="Next page",
            id=next_id,
        ),
    ]


def empty_state(icon: str, title, hint, *actions: rx.Component, **props) -> rx.Component:
    """What a list shows when there is nothing to list: an icon, a line of what and a hint of what next."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color="var(--gray-8)"),
            rx.text(title, weight="medium"),
            rx.text(hint, size="2", color_scheme="gray", text_align="center"),
            *actions,
            align="center",
            spacing="2",
        ),
        padding="3rem",
        width="100%",
        background="var(--color-panel-solid)",
        border="1px dashed var(--gray-6)",
        border_radius="10px",
        **props,
    )


def auth_card(title: str, *body: rx.Component, footer: rx.Component | None = None) -> rx.Component:
    """The centred, branded card of the public staff pages (sign in, choose a password)."""
    return rx.center(
        staff_palette(),
        rx.el.main(
            rx.vstack(
                rx.hstack(
                    rx.center(
                        rx.icon("wrench", size=20, color="white"),
                        width="2.5rem",
                        height="2.5rem",
                        border_radius="10px",
                        background="var(--teal-9)",
                    ),
                    rx.text("Repair Portal", size="5", weight="bold"),
                    spacing="3",
                    align="center",
                ),
                rx.card(
                    rx.vstack(rx.heading(title, size="5"), *body, spacing="4", width="100%"),
                    size="4",
                    width="100%",
                ),
                footer if footer is not None else rx.fragment(),
                spacing="5",
                width="100%",
                align="center",
            ),
            style={"width": "100%", "max_width": "26rem"},
        ),
        min_height="100vh",
        padding="1.5rem",
        background="linear-gradient(160deg, var(--teal-2) 0%, var(--gray-2) 55%)",
    )


def dialog_form(
    *fields: rx.Component,
    title,
    description: str,
    error,
    on_submit,
    submit: rx.Component,
    ids: tuple[str, str, str],
    open,
    on_open_change,
    max_width: str = "32rem",
) -> rx.Component:
    """A form in a dialog: title, description, fields, the form's error, Cancel and the submit button.

    `ids` are the form's, its error callout's and its Cancel button's element ids."""
    form_id, error_id, cancel_id = ids
    form = rx.form(
        rx.vstack(
            *fields,
            rx.cond(
                error != "",
                rx.callout(
                    error,
                    icon="circle-alert",
                    color_scheme="red",
                    high_contrast=True,
                    size="1",
                    id=error_id,
                    role="alert",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button", id=cancel_id)),
                submit,
                justify="end",
                spacing="2",
                width="100%",
                padding_top="0.5rem",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id=form_id,
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray", margin_bottom="1rem"),
            form,
            max_width=max_width,
        ),
        open=open,
        on_open_change=on_open_change,
    )


def post_form(*children: rx.Component, action, form_id: str, **props) -> rx.Component:
    """A form the browser really posts to one of our HTTP routes (which set HttpOnly cookies).

    Reflex's form always cancels the native submit to send an event instead; this one lets that
    happen, then submits the element itself (which fires no second submit event). The browser's own
    `required` checks still run first."""
    return rx.el.form(
        *children,
        id=form_id,
        action=action,
        method="post",
        on_submit=rx.call_script(f"document.getElementById({form_id!r}).submit()"),
        style={"width": "100%"},
        **props,
    )


def live_marker(joined) -> rx.Component:
    """`data-live="on"` once the page has joined its live channel: what browser tests wait for,
    instead of sleeping."""
    return rx.el.span(id="live-marker", hidden=True, custom_attrs={"data-live": rx.cond(joined, "on", "off")})


def icon_of(name, choices, **props) -> rx.Component:
    """An icon chosen at run time from a known set. `rx.icon` with a Var name loads lucide's every icon
    (1,784 files) into the build; this renders only the icons named here."""
    names = list(dict.fromkeys(choices))
    return rx.match(name, *[(n, rx.icon(n, **props)) for n in names], rx.icon(names[0], **props))


def dash(value) -> rx.Component:
    """The value, or an em dash when it is empty."""
    return rx.cond(value != "", value, "—")


VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "padding": "0",
    "margin": "-1px",
    "overflow": "hidden",
    "clip": "rect(0, 0, 0, 0)",
    "white_space": "nowrap",
    "border": "0",
}


def visually_hidden(*children) -> rx.Component:
    """Read by screen readers, not drawn (the words an icon stands for)."""
    return rx.el.span(*children, style=VISUALLY_HIDDEN)
