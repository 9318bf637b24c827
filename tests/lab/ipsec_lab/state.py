"""The lab's state file, and cleanup of whatever an earlier (possibly interrupted) run left.

Cleanup only touches the lab's own objects: the PIDs recorded in the state file (checked
against their recorded start time, so a recycled PID is never hit), network namespaces and
root-namespace links named with the lab prefix, and the state folder.
"""

import json
import os
import shutil

from . import net
from .constants import PREFIX
from .proc import alive, terminate_all

STATE_FILE = "state.json"


def save(state_dir, data):
    """Write the state file atomically."""
    os.makedirs(state_dir, exist_ok=True)
    path = os.path.join(state_dir, STATE_FILE)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.replace(tmp, path)


def load(state_dir):
    """The state file's data, or an empty dict."""
    try:
        with open(os.path.join(state_dir, STATE_FILE), encoding="utf-8") as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):
        return {}


def cleanup(state_dir, keep_logs=False):
    """Remove a lab described by ``state_dir``; return a list of what was removed."""
    removed = []
    data = load(state_dir)
    pids = []
    for record in data.get("hosts", []):
        for key in ("init", "unshare"):
            pid = record.get(key + "_pid")
            if pid:
                pids.append((pid, record.get(key + "_started")))
                removed.append("%s %s pid %d" % (record.get("name"), key, pid))
    terminate_all(pids, grace=1.0)
    removed += net.remove_all()
    hosts_dir = os.path.join(state_dir, "hosts")
    if os.path.isdir(hosts_dir) and not keep_logs:
        shutil.rmtree(hosts_dir, ignore_errors=True)
    for name in (STATE_FILE, "inventory.ini"):
        try:
            os.unlink(os.path.join(state_dir, name))
        except FileNotFoundError:
            pass
    return removed


def leftovers(state_dir):
    """What of a lab still exists: namespaces, links, mounts and live processes that mention the lab."""
    found = {"netns": net.lab_namespaces(), "links": net.lab_links(), "mounts": [], "processes": []}
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if PREFIX in fields[4] or fields[4].startswith(state_dir):
                found["mounts"].append(fields[4])
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if ("/run/netns/" + PREFIX in cmdline or "idl-ready" in cmdline) and alive(int(entry)):
            found["processes"].append("%s %s" % (entry, cmdline[:80]))
    return {key: value for key, value in found.items() if value}
