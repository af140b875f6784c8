"""Run a program in a real pseudo-terminal and time what it draws.

`PtyProgram` starts a program on a fresh pty (its controlling terminal, 160x50 unless told)
and keeps reading what it writes (a program that writes to a full pty would block). It can
wait for a marker in the output (the first frame) or for any condition (the bench log saying
a panel shows its data), type keys, and at the end quits with `q`, escalating to SIGTERM and
SIGKILL if the program does not end. `close()` gives the exit code and the child's resource
usage (`os.wait4`: its own peak RSS, not the maximum over every child so far).

Times are `time.monotonic()`, a clock every process on the machine shares, so the time
stamps a child writes in its bench log compare directly with the spawn time kept here.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable


def _controlling_tty() -> None:  # runs in the child before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProgram:
    def __init__(self, argv: list[str], *, env: dict[str, str] | None = None, size: tuple[int, int] = (160, 50)):
        self.master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, **(env or {}), "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        self.output = bytearray()
        self.returncode: int | None = None
        self.usage: resource.struct_rusage | None = None
        self.spawned = time.monotonic()
        self.child = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            preexec_fn=_controlling_tty,
            close_fds=True,
        )
        os.close(slave)

    def since_spawn(self, moment: float | None = None) -> float:
        return (time.monotonic() if moment is None else moment) - self.spawned

    def _drain(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        while ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk
            if len(self.output) > 4_000_000:
                del self.output[:-1_000_000]
            ready, _, _ = select.select([self.master], [], [], 0)

    def _exited(self) -> bool:
        if self.returncode is not None:
            return True
        pid, status, usage = os.wait4(self.child.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.returncode = os.waitstatus_to_exitcode(status)
        self.usage = usage
        self.child.returncode = self.returncode  # so that Popen does not wait for it again
        return True

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60.0) -> float | None:
        """Seconds since the spawn when `condition()` first held (checked as output arrives), or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return self.since_spawn()
            if self._exited():
                self._drain(0)
                return self.since_spawn() if condition() else None
            self._drain(0.002)
        return None

    def wait_for_marker(self, marker: bytes, timeout: float = 60.0) -> float | None:
        """Seconds since the spawn until the first output containing `marker`."""
        return self.wait_for(lambda: marker in self.output, timeout)

    def send(self, keys: bytes) -> float:
        """Type `keys`; the time.monotonic() just before."""
        moment = time.monotonic()
        os.write(self.master, keys)
        return moment

    def close(self) -> int:
        """Quit (q, then SIGTERM, then SIGKILL) and reap the child; its exit code."""
        try:
            if not self._exited():
                with contextlib.suppress(OSError):
                    os.write(self.master, b"q")
                self.wait_for(lambda: False, timeout=5)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if self._exited():
                    break
                self.child.send_signal(sig)
                self.wait_for(lambda: False, timeout=3)
        finally:
            os.close(self.master)
        return self.returncode if self.returncode is not None else -1

    @property
    def peak_rss_mb(self) -> float | None:
        if self.usage is None:
            return None
        # ru_maxrss is in kilobytes on Linux, bytes on macOS
        return self.usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)

    def __enter__(self) -> PtyProgram:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.returncode is None:
            self.close()
