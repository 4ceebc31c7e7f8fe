"""Where email links point, from the app's settings (shared by every state that sends mail)."""

from __future__ import annotations

from ..services.mail import LinkSettings
from ..settings import get_settings


def links() -> LinkSettings:
    settings = get_settings()
    return LinkSettings(settings.public_url, settings.secret_key)
