"""Reflex configuration. Values come from repair_portal.settings (environment variables)."""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from repair_portal.bundling import GroupChunks
from repair_portal.settings import load_settings
from repair_portal.supervision import respawn_dead_workers

settings = load_settings(keys_required=False)  # the app itself checks the keys when it starts (settings.py)
respawn_dead_workers()  # a backend worker that dies is started again (repair_portal/supervision.py)

config = rx.Config(
    app_name="repair_portal",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    # One process on a shop PC keeps tab states in memory (expiring an hour after last use): nothing
    # of a customer's or a staff member's session is ever written under .states/. With REDIS_URL the
    # states live in Redis, which several workers share.
    state_manager_mode="redis" if settings.redis_url else "memory",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=settings.allowed_origins,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="teal", gray_color="slate", radius="medium", appearance="light")
        ),
        GroupChunks(),  # icons in one file, Radix parts in another (repair_portal/bundling.py)
    ],
    disable_plugins=[SitemapPlugin],
)
