"""Pages; importing this package registers every page."""

from .backoffice import login, orders  # noqa: F401
from .portal import track  # noqa: F401
