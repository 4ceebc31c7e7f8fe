"""`GET /lookup?embed=1`: the lookup widget the shop's website shows in an iframe, as plain HTML.

No JavaScript on purpose. Inside another site's frame the browser may refuse the page any storage
(Chromium with third-party cookies blocked, Brave...), and the Reflex page can't start without
session storage; a plain form works in every browser. It posts to /api/lookup in the whole window
(`target="_top"`), so the customer lands on our site, first-party, where the device cookie sticks.
The middleware (api/middleware.py) serves it and gives it the lookup page's framing policy.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .. import routes

STYLE = """
:root { color-scheme: light; }
html, body { margin: 0; background: transparent; }
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1c2024; }
main { box-sizing: border-box; max-width: 30rem; margin: 0 auto; padding: 1rem 1.25rem 1.25rem;
  background: #fff; border: 1px solid #d9d9e0; border-radius: 12px; }
h1 { font-size: 1.25rem; line-height: 1.75rem; margin: 0 0 0.25rem; }
p { margin: 0 0 0.5rem; color: #60646c; }
label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
.hint { margin: -0.125rem 0 0.25rem; }
input { box-sizing: border-box; width: 100%; min-height: 44px; font: inherit; color: inherit;
  padding: 0.5rem 0.75rem; border: 1px solid #8b8d98; border-radius: 8px; background: #fff; }
button, .call { box-sizing: border-box; display: flex; align-items: center; justify-content: center;
  width: 100%; min-height: 44px; margin-top: 1rem; font: inherit; font-weight: 600; border: 0;
  border-radius: 8px; background: var(--accent); color: var(--ink); cursor: pointer; text-decoration: none; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
"""


@dataclass(frozen=True)
class WidgetFacts:
    accent: str  # a background white or near-black text reads on (services/colours.surface)
    ink: str
    off: bool = False  # the shop switched the portal off
    off_url: str = ""  # ...and where it sends people instead
    phone: str = ""  # the main location's, to call instead
    phone_href: str = ""


def widget_facts() -> WidgetFacts:
    from sqlmodel import select

    from ..db import session_scope
    from ..models import Location, ShopSettings
    from ..services import colours, phones, portal_policy

    with session_scope() as session:
        shop = ShopSettings.current(session)
        accent = colours.surface(shop.accent_color)
        off = portal_policy.portal_off(session)
        if off is None:
            return WidgetFacts(accent, colours.text_on(accent))
        location = session.exec(select(Location).where(Location.active).order_by(Location.id)).first()
        phone = phones.display(location.phone, shop.country) if location and location.phone else ""
        href = phones.tel_href(location.phone, shop.country) if phone else ""
    return WidgetFacts(accent, colours.text_on(accent), True, off.url, phone, href)


def widget_html(facts: WidgetFacts) -> bytes:
    esc = html.escape
    if facts.off:  # inside the shop's own page: say so here rather than load another page in the frame
        links = []
        if facts.phone:
            call = f"Call {esc(facts.phone)}"
            links.append(f'<a class="call" href="{esc(facts.phone_href)}" target="_top" id="call-shop">{call}</a>')
        if facts.off_url:
            links.append(
                f'<a class="call" href="{esc(facts.off_url)}" target="_top" id="portal-off-more">Find out more</a>'
            )
        body = (
            '<h1 id="portal-off">Repair tracking isn\'t available online</h1>'
            "<p>Give us a call and we'll tell you how your repair is going.</p>" + "".join(links)
        )
    else:
        body = (
            '<h1 id="lookup-heading">Find your repair</h1>'
            "<p>Enter the order reference from your receipt or email, and the last name the repair is booked "
            "under.</p>"
            f'<form id="lookup-form" action="{esc(routes.LOOKUP_POST)}" method="post" target="_top">'
            '<label for="lookup-reference">Order reference</label>'
            '<p class="hint" id="lookup-reference-hint">For example R-10042 (or just 10042).</p>'
            '<input id="lookup-reference" name="reference" required maxlength="40" autocomplete="off" '
            'autocapitalize="characters" spellcheck="false" aria-describedby="lookup-reference-hint">'
            '<label for="lookup-last-name">Last name</label>'
            '<input id="lookup-last-name" name="last_name" required maxlength="200" autocomplete="family-name">'
            '<button type="submit" id="lookup-submit">Find my repair</button>'
            "</form>"
        )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><title>Find your repair</title>'
        f"<style>{STYLE}:root {{ --accent: {esc(facts.accent)}; --ink: {esc(facts.ink)}; }}</style>"
        f"</head><body><main>{body}</main></body></html>"
    )
    return page.encode()


def wants_widget(scope) -> bool:
    """A GET of the lookup page asking for the embedded form (`?embed=1`)."""
    from urllib.parse import parse_qs

    if scope.get("method") not in ("GET", "HEAD"):
        return False
    path = (scope.get("path", "").rstrip("/") or "/").removesuffix(".html")
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return path == routes.LOOKUP and query.get("embed", [""])[0] == "1"
