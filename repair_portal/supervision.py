"""A backend worker that dies is started again.

`reflex run --env prod` serves with Granian. Granian can restart a worker that exits or is killed
(`respawn_failed_workers`), but Reflex doesn't ask it to, and without it the death of any one worker stops
the whole server: every open page loses its connection and nothing comes back. `respawn_dead_workers()`
(called from rxconfig.py, which the `reflex` command imports before it starts Granian) turns it on.

While a worker is being restarted the others keep serving; pages that were connected to the dead one
reconnect to another (with REDIS_URL their state is in Redis, so they carry on where they were). A worker
that dies again within a few seconds of its restart is a crash loop: Granian then stops, and the process
supervisor (systemd, see README "Scale-out") starts the whole service again.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


def respawn_dead_workers() -> bool:
    """Make Granian restart dead workers by default. False when Granian isn't installed (nothing to do)."""
    try:
        from granian.server.common import AbstractServer
    except ImportError:
        return False
    if getattr(AbstractServer.__init__, "_respawns", False):
        return True
    original = AbstractServer.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        kwargs.setdefault("respawn_failed_workers", True)  # a crashed worker is replaced at once
        original(self, *args, **kwargs)

    init._respawns = True
    AbstractServer.__init__ = init
    return True


def live_children(pid: int) -> set[int]:
    """The running (not zombie) child processes of `pid`, from /proc: a server's workers."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found
