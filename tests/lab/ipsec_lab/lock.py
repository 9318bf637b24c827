"""One lab per machine: an flock on ``<state>/lock``, held from ``up`` until ``down`` (or process exit)."""

import fcntl
import os
import time

from .proc import LabError

DEFAULT_TIMEOUT = float(os.environ.get("IPSEC_LAB_LOCK_TIMEOUT", "900"))
HELD = {}  # lock path -> LabLock holding it in this process (an flock would block against ourselves)
# A process that holds the lock may lend it to children it waits for (tests of the CLI): it puts the
# lock path into this variable of their environment, and they then skip the flock.
LENT_ENV = "IPSEC_LAB_LOCK_LENT"
LENT = -1


class LabLock:
    """Exclusive lock on the lab's names (namespaces, bridge, state folder).

    The kernel drops an flock when its holder dies, so an interrupted run never blocks the
    next one; a lab that is still in use makes the next ``up`` wait instead of tearing it down.
    """

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "lock")
        self.fd = None

    @property
    def held(self):
        """True if this object holds the lock."""
        return self.fd is not None

    def acquire(self, timeout=None):
        """Take the lock (no-op if already held), waiting up to ``timeout`` s."""
        if self.fd is not None:
            return
        if os.environ.get(LENT_ENV) == self.path:
            self.fd = LENT
            return
        if self.path in HELD:
            raise LabError("this process already runs a lab (%s); use that Lab object" % self.path)
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    os.close(fd)
                    raise LabError("another lab is running (pid %s) and kept %s locked for %.0f s"
                                   % (holder or "?", self.path, timeout)) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, ("%d\n" % os.getpid()).encode("ascii"), 0)
        self.fd = fd
        HELD[self.path] = self

    def lend(self):
        """Environment for a child process that may use the lab while this process holds the lock."""
        return dict(os.environ, **{LENT_ENV: self.path})

    def release(self):
        """Drop the lock if held."""
        if self.fd == LENT:
            self.fd = None
        elif self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
            HELD.pop(self.path, None)
