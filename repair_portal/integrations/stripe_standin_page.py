"""The stand-in's imitation of Stripe's hosted checkout page: plain HTML forms (no JavaScript), readable on a
390px phone, marked everywhere as a demo where no money moves."""

from __future__ import annotations

from html import escape

from ..services.money import format_money

DECLINED = "Your card was declined. Nothing was taken — try again or go back."
_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
.banner{margin:0;padding:12px 16px;background:#ffe08a;color:#1a1a1a;text-align:center;font-weight:700;
border-bottom:2px solid #1a1a1a}
main{max-width:32rem;margin:0 auto;padding:24px 16px}
h1{font-size:1.6rem;margin:0 0 16px}
.items{list-style:none;margin:0 0 16px;padding:0;background:#fff;border:1px solid #c4c8cf;border-radius:8px}
.items li{display:flex;justify-content:space-between;gap:12px;padding:12px 16px;border-top:1px solid #e3e5e8}
.items li:first-child{border-top:0}
.items small{display:block;font-size:16px;color:#44474d}
.total{display:flex;justify-content:space-between;font-size:1.2rem;margin:0 0 24px}
.alert{margin:0 0 16px;padding:12px 16px;background:#fde7e9;color:#7a0010;border:2px solid #7a0010;border-radius:8px}
.note{margin:0 0 16px;color:#44474d;font-size:16px}
form{margin:0 0 12px}
.btn{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;padding:10px 16px;
font:inherit;font-weight:600;border-radius:8px;cursor:pointer;text-decoration:none}
.pay{background:#0b5cad;color:#fff;border:2px solid #0b5cad}
.secondary{background:#fff;color:#1a1a1a;border:2px solid #44474d}
.btn:focus-visible{outline:3px solid #1a1a1a;outline-offset:3px}
"""


def money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def success_target(session: dict) -> str:
    return (session.get("success_url") or "").replace("{CHECKOUT_SESSION_ID}", session["id"])


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        '<p class="banner" role="note">Demo checkout — no money moves</p>'
        f"<main>{body}</main></body></html>\n"
    )


def _link(href: str | None, text: str) -> str:
    return f'<a class="btn secondary" href="{escape(href)}">{escape(text)}</a>' if href else ""


def checkout_page(
    session: dict, items: list[dict], description: str | None, *, base_path: str, declined: bool = False
) -> str:
    """Open: what is being paid for and the three choices. Paid or expired: says so, nothing to press."""
    currency = session["currency"]
    total = money(session["amount_total"], currency)
    if session["status"] == "complete":
        body = (
            "<h1>This checkout is paid</h1>"
            f'<p class="note">{escape(total)} was paid with the test card.</p>'
            + _link(success_target(session), "Continue")
        )
        return _page("Demo checkout — paid", body)
    if session["status"] == "expired":
        body = (
            "<h1>This checkout has expired</h1>"
            '<p class="note">Nothing was taken. Go back to start again.</p>' + _link(session.get("cancel_url"), "Back")
        )
        return _page("Demo checkout — expired", body)
    rows = "".join(
        f"<li><span>{escape(item['name'])}"
        + (f"<small>{escape(item['description'])}</small>" if item.get("description") else "")
        + f"</span><span>{item['quantity']} × {escape(money(item['unit_amount'], currency))}</span></li>"
        for item in items
    )
    action = f"{base_path}/checkout/{escape(session['id'])}"
    body = (
        f"<h1>Pay {escape(total)}</h1>"
        + (f'<p class="alert" role="alert">{escape(DECLINED)}</p>' if declined else "")
        + (f'<p class="note">{escape(description)}</p>' if description else "")
        + f'<ul class="items" aria-label="What you are paying for">{rows}</ul>'
        + f'<p class="total"><span>Total</span><strong>{escape(total)}</strong></p>'
        + '<p class="note" id="demo-hint">This page imitates the card payment page. '
        "“Pay (test card)” completes the payment as if a card were charged; “Decline” shows a declined card.</p>"
        + f'<form method="post" action="{action}/pay">'
        '<button class="btn pay" type="submit" aria-describedby="demo-hint">Pay (test card)</button></form>'
        + f'<form method="post" action="{action}/decline">'
        '<button class="btn secondary" type="submit" aria-describedby="demo-hint">Decline</button></form>'
        + _link(session.get("cancel_url"), "Back")
    )
    return _page(f"Demo checkout — pay {total}", body)


def missing_page() -> str:
    return _page("Demo checkout — not found", "<h1>No such checkout</h1><p class='note'>Check the link.</p>")
