"""Labels on everything Capuchin creates in the engine, so cleanup can find it by label.

Each container carries its owner's host and pid: a container whose owner is gone (the
caller crashed or was killed with SIGKILL, so its ``finally`` never ran) is garbage
and the next sandbox or `capuchin sandbox gc` removes it.
"""

from __future__ import annotations

import os
import socket
import time

LABEL = "capuchin.sandbox"
"""Present on every container and image Capuchin makes; value: 'run', 'build', or the image layer."""
OWNER_PID = "capuchin.owner.pid"
OWNER_HOST = "capuchin.owner.host"
CREATED = "capuchin.created"


def container_labels(role: str) -> dict[str, str]:
    return {
        LABEL: role,
        OWNER_PID: str(os.getpid()),
        OWNER_HOST: socket.gethostname(),
        CREATED: str(int(time.time())),
    }


def owner_alive(labels: dict[str, str]) -> bool:
    """Whether the process that created a container still runs (unknown hosts count as alive)."""
    if labels.get(OWNER_HOST) != socket.gethostname():
        return True
    try:
        pid = int(labels.get(OWNER_PID, ""))
    except ValueError:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
