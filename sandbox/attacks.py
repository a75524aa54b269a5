"""Hostile test code: what a candidate patch could add as a test file, to attack the machine.

Each attack is a pytest test that PASSES only if the attack succeeds (it reached the network,
outgrew the limits, read a secret, wrote to the host...). Run in the sandbox, every one must end
as failed, timed out or killed, and leave no container, process or file behind. Used by
``tests/sandbox/test_attacks.py`` against both backends. Every target is this machine: the host's
loopback listener and marker paths; nothing is sent anywhere else.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    """A test module; its single test passes when the attack worked."""
    destructive: bool = False
    """Needs the container's limits to be contained (not run on the local fallback)."""


HOST_MARKER = "/tmp/capuchin-attack-marker"
"""A path on the host that an attack tries to create."""


def attacks(host_port: int, secret_name: str) -> list[Attack]:
    """The attacks; ``host_port``: a TCP listener on the host's loopback; ``secret_name``: an
    environment variable set in the host process that starts the run."""
    return [
        Attack("internet_dns", "import socket\n\ndef test_attack():\n"
               "    assert socket.getaddrinfo('pypi.org', 443)\n"),
        Attack("host_loopback", "import socket\n\ndef test_attack():\n"
               f"    socket.create_connection(('127.0.0.1', {host_port}), timeout=3).close()\n"),
        Attack("host_env_secret", "import os\n\ndef test_attack():\n"
               f"    assert os.environ.get({secret_name!r})\n"),
        Attack("write_host_path", "import pathlib\n\ndef test_attack():\n"
               f"    pathlib.Path({HOST_MARKER!r}).write_text('pwned')\n"
               "    pathlib.Path('/root/capuchin-attack-marker').write_text('pwned')\n"
               f"    assert False, 'written only inside the sandbox unless a mount leads out'\n"),
        Attack("sleep_forever", "import time\n\ndef test_attack():\n    time.sleep(10_000)\n"),
        Attack("kill_parent", "import os, signal\n\ndef test_attack():\n"
               "    os.kill(os.getppid(), signal.SIGKILL)\n    os.kill(1, signal.SIGKILL)\n"),
        Attack("daemon", "import os, subprocess, sys\n\ndef test_attack():\n"
               "    code = 'import time, pathlib; time.sleep(20); "
               f"pathlib.Path({HOST_MARKER!r} + \".daemon\").write_text(\"alive\")'\n"
               "    subprocess.Popen([sys.executable, '-c', code, 'capuchin-attack-daemon'], start_new_session=True,\n"
               "                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
               "    assert False, 'the daemon must die with the run'\n"),
        Attack("memory_hog", "def test_attack():\n    blocks = [bytearray(256 << 20) for _ in range(16)]\n"
               "    assert len(blocks) == 16  # 4 GiB held\n", destructive=True),
        Attack("fork_bomb", "import os, time\n\ndef test_attack():\n    children = []\n"
               "    for _ in range(3000):\n        pid = os.fork()\n        if pid == 0:\n"
               "            time.sleep(30)\n            os._exit(0)\n        children.append(pid)\n"
               "    assert len(children) == 3000\n", destructive=True),
        Attack("fill_disk", "def test_attack():\n    with open('/tmp/fill', 'wb') as f:\n"
               "        for _ in range(3 * 1024):\n            f.write(b'\\0' * (1 << 20))\n"
               "    # 3 GiB written\n", destructive=True),
    ]


def _clean_markers() -> None:
    for path in (HOST_MARKER, HOST_MARKER + ".daemon", "/root/capuchin-attack-marker"):
        Path(path).unlink(missing_ok=True)


def _leftovers() -> list[str]:
    """Host files and processes an attack left behind."""
    found = [p for p in (HOST_MARKER, HOST_MARKER + ".daemon", "/root/capuchin-attack-marker") if Path(p).exists()]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"capuchin-attack-daemon" in cmdline.read_bytes():
                found.append(f"process {cmdline.parent.name}")
        except OSError:
            continue
    return found


def run_attacks(sandbox: Any, repo: Path, host_port: int, *, destructive: bool,
                secret_name: str = "CAPUCHIN_ATTACK_PLANTED_SECRET") -> dict[str, dict[str, Any]]:
    """Run each attack as a test file added by a patch; per attack its verdict ('BREACH' when its
    test passed) and whatever it left on the host. The secret is planted in this process's
    environment for the run."""
    from editing.patch import file_diff

    os.environ[secret_name] = "hunter2"
    out: dict[str, dict[str, Any]] = {}
    try:
        for attack in attacks(host_port, secret_name):
            if attack.destructive and not destructive:
                continue
            _clean_markers()
            path = f"tests/test_attack_{attack.name}.py"
            result = sandbox.run(repo, patch=file_diff(path, None, attack.code), tests=[path], timeout_s=90)
            test_id = f"{path}::test_attack"
            verdict = ("BREACH" if result.passed(test_id) else "out of memory" if "out of memory" in (result.error or "")
                       else "timed out" if result.timed_out else str(result.tests.get(test_id, "killed")))
            if attack.name == "daemon":
                time.sleep(22)  # a surviving daemon writes its marker after 20 s
            out[attack.name] = {"verdict": verdict, "left_behind": _leftovers(), "seconds": round(result.duration_s, 1)}
    finally:
        os.environ.pop(secret_name, None)
        _clean_markers()
    return out
