"""/portal/files: the folders and files the shop shares with this account (guarded by "view resources")."""

from __future__ import annotations

import reflex as rx

from ..db import session_scope
from ..services import resources
from ..services.portal_permissions import Perm
from ..services.resources import FolderView
from .guard import portal_action
from .portal_session import PortalSessionState


class PortalResourcesState(PortalSessionState):
    shared_folders: list[FolderView] = []
    shared_loaded: bool = False

    @rx.event
    @portal_action(Perm.RESOURCES_VIEW, leave=True, read_only=True)
    def load_shared_files(self):
        """Only files shared with this very account (every account's, or chosen for it)."""
        with session_scope() as session:
            self.shared_folders = resources.account_folders(session, self._account().customer_id)
        self.shared_loaded = True
