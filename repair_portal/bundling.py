"""Fewer, larger JavaScript files for the browser (a build plugin for rxconfig.py).

Left to itself the frontend build puts each icon and each Radix part in a file of its own: a tracking page
fetched 64 files, 20 of them one icon each, requested only after the page's own code had arrived. Over
HTTP/1.1 a browser fetches six at a time, so that was several round trips on a phone before anything showed.
This groups every icon into one file and every Radix part into another (`bench/blank_compare.py` measures
the page beside a blank Reflex app).
"""

from __future__ import annotations

import logging

from reflex.constants import ReactRouter
from reflex.plugins.base import Plugin

log = logging.getLogger("repair_portal.bundling")

ANCHOR = "groups: ["
GROUPS = (
    '{ test: /node_modules[\\\\/]lucide-react[\\\\/]/, name: "icons" },'
    ' { test: /node_modules[\\\\/]@radix-ui[\\\\/]/, name: "radix" },'
)


def group_chunks(vite_config: str) -> str:
    """The build config with the icon and Radix groups added to its code-splitting groups (unchanged, with a
    warning, if this Reflex writes its config differently)."""
    if GROUPS in vite_config:
        return vite_config
    if vite_config.count(ANCHOR) != 1:
        log.warning("vite.config.js has no single code-splitting group list: icons stay in separate files")
        return vite_config
    return vite_config.replace(ANCHOR, ANCHOR + " " + GROUPS, 1)


class GroupChunks(Plugin):
    def pre_compile(self, **context) -> None:
        context["add_modify_task"](ReactRouter.VITE_CONFIG_FILE, group_chunks)
