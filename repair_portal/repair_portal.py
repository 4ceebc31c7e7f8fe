"""App wiring only: pages and API routes (the theme is a plugin in rxconfig.py)."""

import reflex as rx

from . import (
    pages,  # noqa: F401  (registers every page)
    routes,
)
from .api import api_routes, security_headers
from .app_lock import serving
from .components.registry import PAGES
from .logs import configure as configure_logging
from .mail_worker import delivery_loop
from .settings import load_settings
from .state.binding import IdentityBinding

# Importing the app checks no keys (tests and `reflex` commands import it); starting it does: `serving`.
configure_logging(load_settings(keys_required=False).log_format)

app = rx.App(
    head_components=[
        rx.el.meta(name="referrer", content="no-referrer"),
        rx.el.meta(name="theme-color", content="#0f766e"),
        rx.el.script(src="/a11y.js", defer=True),  # keyboard access to scrolling tables (assets/a11y.js)
    ],
    stylesheets=["/a11y.css"],
    api_transformer=[api_routes(), security_headers],
    # At the top, over the page header: on a phone, never over the buttons a customer needs
    # (Approve, Sign, Send sit at the bottom of their forms).
    toaster=rx.toast.provider(position="top-center", close_button=True, offset="0.75rem"),
)

# Before Reflex's own handling of each event (hydrate included): a state whose identity cookies
# changed is emptied first.
app.add_middleware(IdentityBinding(), index=0)

for spec in PAGES:
    app.add_page(spec.render, route=spec.route, title=spec.title, on_load=spec.on_load)

app.add_page(lambda: rx.fragment(), route="/", on_load=rx.redirect(routes.STAFF_LOGIN), title="Repair Portal")

app.register_lifespan_task(serving)  # first: a missing key stops the start; holds DATA_DIR/app.lock
app.register_lifespan_task(delivery_loop)
