"""Pages; importing this package registers every page."""

from .backoffice import email_settings, intake, login, order, orders  # noqa: F401
from .portal import track  # noqa: F401
