"""Process helpers: run commands, and end processes the lab started, by PID only."""

import os
import signal
import subprocess
import time


class LabError(RuntimeError):
    """A lab step failed."""


def run(argv, check=True, input_text=None, timeout=60):
    """Run ``argv`` (a list) and return the CompletedProcess with text output."""
    proc = subprocess.run(argv, input=input_text, capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise LabError("command failed (%d): %s\n%s%s" % (proc.returncode, " ".join(argv), proc.stdout, proc.stderr))
    return proc


def start_time(pid):
    """Return the start time (clock ticks since boot) of ``pid``, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            data = handle.read()
    except OSError:
        return None
    # The command name may contain spaces: fields after the last ')' are fixed.
    fields = data.rsplit(")", 1)[1].split()
    return int(fields[19])


def alive(pid, started=None):
    """True if ``pid`` is running (not a zombie) and, if given, started at ``started``."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            data = handle.read()
    except OSError:
        return False
    fields = data.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return False
    return started is None or int(fields[19]) == started


def children(pid):
    """Direct children of ``pid``."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid), encoding="ascii") as handle:
            return [int(item) for item in handle.read().split()]
    except OSError:
        return []


def terminate(pid, started=None, grace=2.0):
    """End ``pid`` (TERM, then KILL after ``grace`` s) if it is still the process we started."""
    if not alive(pid, started):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(pid, started):
            return
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and alive(pid, started):
        time.sleep(0.01)


def wait_until(predicate, timeout, interval=0.05):
    """Poll ``predicate`` until it returns a true value or ``timeout`` s pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def terminate_all(pids, grace=2.0):
    """End several (pid, start time) processes at once: TERM all, wait, KILL the rest."""
    live = [(pid, started) for pid, started in pids if alive(pid, started)]
    for pid, _started in live:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if not wait_until(lambda: not any(alive(pid, started) for pid, started in live), grace, 0.01):
        for pid, started in live:
            if alive(pid, started):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        wait_until(lambda: not any(alive(pid, started) for pid, started in live), grace, 0.01)
