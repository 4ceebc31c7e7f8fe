"""/track/[code]: what a customer sees when they open their link (phone first)."""

from __future__ import annotations

import reflex as rx

from ...components.portal_shell import portal_layout
from ...components.registry import register
from ...components.ui import post_form
from ...live import live_refresh
from ...state.track import FileRow, HoursRow, MessageRow, PaymentRow, StepRow, TrackState
from ...state.track_quote import TrackQuoteState

T = TrackState


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="7rem",
    )


def _hero() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Order", size="2", color_scheme="gray"),
                rx.text(
                    T.reference, size="2", weight="bold", font_family="var(--code-font-family)", id="order-reference"
                ),
                rx.spacer(),
                rx.cond(T.device != "", rx.text(T.device, size="2", color_scheme="gray")),
                width="100%",
            ),
            rx.heading(T.stage_label, size="7", id="stage-label"),
            rx.cond(T.show_explanations, rx.text(T.stage_explanation, size="3", color_scheme="gray")),
            rx.vstack(
                rx.box(
                    rx.box(
                        height="100%",
                        width=T.progress_percent.to(str) + "%",
                        background=T.accent_color,
                        border_radius="999px",
                        transition="width 0.6s ease",
                    ),
                    height="0.5rem",
                    width="100%",
                    background="var(--gray-4)",
                    border_radius="999px",
                ),
                rx.text("Step ", T.stage_position, " of ", T.stage_count, size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            rx.flex(
                _fact("Booked in", T.booked_in_at),
                rx.cond(T.promised_at != "", _fact("Expected by", T.promised_at)),
                gap="1.5rem",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="hero",
        style=_flash("stage"),
    )


def _flash(part: str) -> dict:
    """A soft glow on the card whose content just changed live."""
    return {
        "transition": "box-shadow 0.4s ease",
        "box_shadow": rx.cond(T.highlight == part, "0 0 0 3px var(--amber-7)", "none"),
    }


def _step(step: StepRow) -> rx.Component:
    marker = rx.match(
        step.state,
        (
            "done",
            rx.center(
                rx.icon("check", size=14, color="white"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background=T.accent_color,
                flex_shrink="0",
            ),
        ),
        (
            "current",
            rx.center(
                rx.box(width="0.6rem", height="0.6rem", border_radius="999px", background="white"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background=T.accent_color,
                box_shadow="0 0 0 4px var(--gray-4)",
                flex_shrink="0",
            ),
        ),
        rx.box(
            width="1.5rem",
            height="1.5rem",
            border_radius="999px",
            border="2px solid var(--gray-6)",
            background="var(--color-panel-solid)",
            flex_shrink="0",
        ),
    )
    body = rx.vstack(
        rx.hstack(
            rx.text(
                step.label,
                size="2",
                weight=rx.cond(step.state == "current", "bold", "medium"),
                color=rx.cond(step.state == "upcoming", "var(--gray-9)", "var(--gray-12)"),
            ),
            rx.spacer(),
            rx.text(step.at, size="1", color_scheme="gray"),
            width="100%",
            align="center",
        ),
        rx.cond(
            T.show_explanations & (step.explanation != ""),
            rx.el.details(
                rx.el.summary(
                    rx.text.span(rx.cond(step.state == "current", "What's happening", "What this means"), size="1"),
                    style={"cursor": "pointer", "color": "var(--gray-10)"},
                ),
                rx.text(step.explanation, size="2", color_scheme="gray", padding_top="0.25rem"),
                open=step.state == "current",
            ),
        ),
        spacing="1",
        width="100%",
    )
    return rx.hstack(
        marker, body, spacing="3", align="start", width="100%", class_name="timeline-step", data_state=step.state
    )


def _timeline() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Progress", size="2", weight="bold"),
            rx.foreach(T.steps, _step),
            spacing="3",
            width="100%",
            id="timeline",
        ),
        size="2",
        width="100%",
    )


def _details() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Your repair", size="2", weight="bold"),
            rx.cond(T.device != "", _fact("Device", T.device)),
            rx.cond(
                T.problem != "",
                rx.vstack(
                    rx.text("What you told us", size="1", color_scheme="gray"),
                    rx.text(T.problem, size="2", white_space="pre-wrap"),
                    spacing="0",
                ),
            ),
            rx.cond(
                T.public_note != "",
                rx.box(
                    rx.text("Note from the shop", size="1", weight="bold", color=T.accent_color),
                    rx.text(T.public_note, size="2", white_space="pre-wrap", id="public-note"),
                    border_left=f"3px solid {T.accent_color}",
                    padding="0.25rem 0 0.25rem 0.75rem",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _payment_row(p: PaymentRow) -> rx.Component:
    return rx.hstack(
        rx.text(p.date, size="2", color_scheme="gray"),
        rx.text(p.method, size="2"),
        rx.spacer(),
        rx.text(p.amount, size="2", weight="medium", color=rx.cond(p.refund, "var(--red-11)", None)),
        width="100%",
    )


def _payments() -> rx.Component:
    return rx.cond(
        T.show_payments & T.has_total,
        rx.card(
            rx.vstack(
                rx.text("Payments", size="2", weight="bold"),
                rx.hstack(
                    rx.text("Total", size="2"), rx.spacer(), rx.text(T.total, size="2", weight="medium"), width="100%"
                ),
                rx.foreach(T.payments, _payment_row),
                rx.divider(),
                rx.hstack(
                    rx.text("Balance due", size="3", weight="bold"),
                    rx.spacer(),
                    rx.text(T.balance, size="3", weight="bold", id="balance-due"),
                    width="100%",
                ),
                rx.link(
                    rx.hstack(rx.icon("file-down", size=14), rx.text("Invoice / receipt (PDF)", size="2")),
                    href=T.docs_base + "/invoice.pdf",
                    is_external=True,
                    id="invoice-pdf",
                ),
                spacing="2",
                width="100%",
            ),
            size="2",
            width="100%",
        ),
    )


def _hours_row(row: HoursRow) -> rx.Component:
    return rx.hstack(
        rx.text(row.day, size="1", color_scheme="gray", min_width="5.5rem"), rx.text(row.hours, size="1"), spacing="2"
    )


def _contact_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Questions? Contact us", size="2", weight="bold"),
            rx.text(T.location_name, size="2"),
            rx.cond(T.location_address != "", rx.text(T.location_address, size="2", color_scheme="gray")),
            rx.flex(
                rx.cond(
                    T.location_phone != "",
                    rx.link(
                        rx.button(
                            rx.icon("phone", size=16), T.location_phone, size="3", style={"background": T.accent_color}
                        ),
                        href=T.phone_href,
                        id="call-shop",
                    ),
                ),
                rx.cond(
                    T.location_email != "",
                    rx.link(
                        rx.button(rx.icon("mail", size=16), "Email us", size="3", variant="soft", color_scheme="gray"),
                        href="mailto:" + T.location_email,
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            rx.cond(
                T.hours.length() > 0, rx.vstack(rx.foreach(T.hours, _hours_row), spacing="0", padding_top="0.25rem")
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _file_tile(item: FileRow) -> rx.Component:
    return rx.cond(
        item.is_photo,
        rx.link(
            rx.image(
                src=item.url,
                alt=item.title,
                width="100%",
                height="7.5rem",
                object_fit="cover",
                border_radius="8px",
                loading="lazy",
            ),
            href=item.url,
            is_external=True,
            class_name="portal-photo",
        ),
        rx.link(
            rx.hstack(rx.icon("file-text", size=18), rx.text(item.title, size="2"), align="center"),
            href=item.url,
            is_external=True,
            class_name="portal-document",
        ),
    )


def _documents() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Photos and documents", size="2", weight="bold"),
            rx.cond(
                T.files.length() > 0,
                rx.grid(rx.foreach(T.files, _file_tile), columns="2", gap="0.5rem", width="100%"),
                rx.text(
                    "Nothing here yet. We'll add photos of your device as we work on it.", size="2", color_scheme="gray"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _bubble(m: MessageRow) -> rx.Component:
    return rx.box(
        rx.text(m.body, size="2", white_space="pre-wrap"),
        rx.text(m.author, " · ", m.at, size="1", color_scheme="gray", padding_top="0.25rem"),
        align_self=rx.cond(m.from_customer, "flex-end", "flex-start"),
        background=rx.cond(m.from_customer, "var(--teal-3)", "var(--gray-3)"),
        padding="0.6rem 0.8rem",
        border_radius="12px",
        max_width="85%",
        class_name="message-bubble",
    )


def _messages() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.text("Messages", size="2", weight="bold"),
                rx.cond(
                    T.thread.length() > 0,
                    rx.flex(rx.foreach(T.thread, _bubble), direction="column", gap="0.5rem", width="100%", id="thread"),
                    rx.text("Ask us anything about your repair; we'll reply here.", size="2", color_scheme="gray"),
                ),
                rx.form(
                    rx.vstack(
                        rx.text_area(
                            name="body",
                            placeholder="Write a message…",
                            rows="3",
                            width="100%",
                            id="message-body",
                            max_length=2000,
                        ),
                        rx.button(
                            rx.icon("send", size=14),
                            "Send",
                            type="submit",
                            size="3",
                            width="100%",
                            style={"background": T.accent_color},
                            id="message-send",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=T.handle_message,
                    reset_on_submit=True,
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
        ),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.text("How are we doing?", size="2", weight="bold"),
                    rx.text_area(
                        name="feedback",
                        placeholder="Tell us what went well or what we could do better",
                        rows="2",
                        width="100%",
                        id="feedback-body",
                        max_length=2000,
                    ),
                    rx.button("Send feedback", type="submit", variant="soft", size="2", id="feedback-send"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=T.handle_feedback,
                reset_on_submit=True,
                width="100%",
            ),
            size="2",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _qr_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("qr-code", size=16),
                "Show my QR code",
                variant="soft",
                color_scheme="gray",
                size="3",
                width="100%",
                id="show-qr",
            )
        ),
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title("Your order ", T.reference),
                rx.text(
                    "Show this at the counter, or scan it with another phone to open this page.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.center(
                    rx.image(src=T.qr_src, width="15rem", height="15rem", alt="QR code of this page", id="portal-qr"),
                    width="100%",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", size="3", width="100%")),
                spacing="3",
            ),
            max_width="22rem",
        ),
    )


def _pending_signature() -> rx.Component:
    from ...components.signature_pad import signature_pad

    Q = TrackQuoteState
    return rx.cond(
        Q.pending_purpose != "",
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("pen-line", size=18),
                        rx.text(Q.pending_title, size="3", weight="bold"),
                        align="center",
                        spacing="2",
                    ),
                    rx.text(Q.pending_text, size="2", color_scheme="gray"),
                    rx.input(
                        name="signer_name",
                        placeholder="Your full name",
                        size="3",
                        width="100%",
                        id="consent-name",
                        auto_complete="name",
                        max_length=200,
                    ),
                    signature_pad(),
                    rx.cond(
                        Q.sign_error != "",
                        rx.callout(
                            Q.sign_error,
                            icon="circle-alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            id="sign-error",
                        ),
                    ),
                    rx.button(
                        "Sign",
                        type="submit",
                        size="3",
                        width="100%",
                        id="consent-submit",
                        style={"background": T.accent_color},
                    ),
                    rx.cond(
                        Q.pending_more > 0, rx.text("One more signature after this one.", size="1", color_scheme="gray")
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=Q.prepare_sign,
                reset_on_submit=True,
                width="100%",
            ),
            size="2",
            width="100%",
            id="pending-signature",
        ),
    )


def _tab_trigger(value: str, label: str) -> rx.Component:
    return rx.tabs.trigger(label, value=value, id=f"tab-{value}")


def _quote_tab() -> rx.Component:
    from .quote import quote_panel

    return quote_panel()


def _read_only(child: rx.Component) -> rx.Component:
    """In a staff preview every button and field inside is disabled (the server refuses them anyway)."""
    return rx.el.fieldset(
        child,
        disabled=T.preview,
        style={
            "border": "0",
            "padding": "0",
            "margin": "0",
            "min_width": "0",
            "& :disabled": {"opacity": "0.5", "cursor": "not-allowed", "filter": "grayscale(0.6)"},
        },
        width="100%",
    )


def _preview_banner() -> rx.Component:
    return rx.cond(
        T.preview,
        rx.callout.root(
            rx.callout.icon(rx.icon("eye")),
            rx.callout.text(
                rx.text.strong("Staff preview. "),
                "This is what the customer sees. Buttons are switched off, and nothing here changes the "
                "customer's verification or records a customer visit.",
            ),
            color_scheme="violet",
            size="1",
            width="100%",
            id="preview-banner",
        ),
    )


def _portal() -> rx.Component:
    return rx.vstack(
        live_refresh([T.reload, TrackQuoteState.load_quote]),
        _preview_banner(),
        rx.cond(T.welcome != "", rx.text(T.welcome, size="2", color_scheme="gray")),
        _hero(),
        rx.tabs.root(
            rx.tabs.list(
                _tab_trigger("status", "Status"),
                rx.cond(T.show_quote, _tab_trigger("quote", "Quote")),
                rx.cond(T.show_photos | T.show_documents, _tab_trigger("documents", "Photos")),
                rx.cond(T.show_messages, _tab_trigger("messages", "Messages")),
                size="2",
                style={"overflow_x": "auto"},
            ),
            rx.tabs.content(
                _read_only(
                    rx.vstack(
                        _pending_signature(),
                        _timeline(),
                        _details(),
                        _payments(),
                        _contact_card(),
                        _qr_dialog(),
                        spacing="4",
                        padding_top="1rem",
                        width="100%",
                    )
                ),
                value="status",
            ),
            rx.tabs.content(_read_only(rx.box(_quote_tab(), padding_top="1rem", width="100%")), value="quote"),
            rx.tabs.content(rx.box(_documents(), padding_top="1rem", width="100%"), value="documents"),
            rx.tabs.content(_read_only(rx.box(_messages(), padding_top="1rem", width="100%")), value="messages"),
            value=T.tab,
            on_change=T.set_tab,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _gate() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("shield-check", size=26, color="var(--gray-11)"),
                width="3.25rem",
                height="3.25rem",
                border_radius="999px",
                background="var(--gray-4)",
            ),
            rx.heading("Confirm it's you", size="6"),
            rx.text(
                "To keep your details private, enter the last name order ",
                rx.text.strong(T.reference),
                " was booked under. You only need to do this once on this device.",
                size="3",
                color_scheme="gray",
            ),
            post_form(
                rx.vstack(
                    rx.el.label(
                        "Last name", html_for="last-name", font_weight="500", font_size="1rem", align_self="start"
                    ),
                    rx.input(
                        name="last_name",
                        placeholder="Last name",
                        size="3",
                        width="100%",
                        id="last-name",
                        auto_complete="family-name",
                        required=True,
                        max_length=200,
                    ),
                    rx.cond(
                        T.gate_error != "",
                        rx.callout(
                            T.gate_error,
                            icon="circle-alert",
                            color_scheme="red",
                            size="1",
                            id="gate-error",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.button(
                        "Show my repair",
                        type="submit",
                        size="3",
                        width="100%",
                        id="gate-submit",
                        style={"background": T.accent_color},
                    ),
                    rx.el.input(type="hidden", name="tab", value=T.tab),
                    rx.cond(T.preview, rx.el.input(type="hidden", name="preview", value="staff")),
                    spacing="3",
                    width="100%",
                ),
                # A real form post: the route alone writes the HttpOnly device cookie, then the
                # page reloads on a connection that carries it.
                action=T.verify_action,
                form_id="gate-form",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _problem_page() -> rx.Component:
    title = rx.match(
        T.status,
        ("revoked", "This link has been replaced"),
        ("expired", "This link has expired"),
        "We couldn't find that link",
    )
    text = rx.match(
        T.status,
        (
            "revoked",
            "The shop has issued a new link for this order. Please use the latest email or receipt, or give us a call.",
        ),
        (
            "expired",
            "Links stop working a while after an order is collected. If you need anything about "
            "this repair, give us a call.",
        ),
        "Please check that you copied the whole link from your email or receipt. "
        "If it still doesn't work, give us a call and we'll help.",
    )
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("link-2-off", size=28, color="var(--gray-11)"),
                width="3.5rem",
                height="3.5rem",
                border_radius="999px",
                background="var(--gray-4)",
            ),
            rx.heading(title, size="6", id="link-problem"),
            rx.text(text, size="3", color_scheme="gray"),
            rx.cond(
                T.location_phone != "",
                rx.link(rx.button(rx.icon("phone", size=16), "Call ", T.location_phone, size="3"), href=T.phone_href),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def track_page() -> rx.Component:
    shop_name = rx.cond(T.shop_name != "", T.shop_name, "Repair tracking")
    return rx.match(
        T.status,
        ("loading", rx.center(rx.spinner(size="3"), min_height="100vh")),
        ("ok", portal_layout(shop_name, T.accent_color, _portal(), logo=T.logo_url)),
        ("gate", portal_layout(shop_name, T.accent_color, _gate(), _contact_card(), logo=T.logo_url)),
        portal_layout(shop_name, "#334155", _problem_page(), logo=T.logo_url),
    )


register("/track/[code]", "Your repair", track_page, [TrackState.load_tracking])
