"""pytest fixtures for the lab: ``-p ipsec_lab.pytest_plugin`` with tests/lab on sys.path.

Importing the fixture functions into a test module or conftest also works; every ``lab`` fixture of
the process returns the same Lab.

Fixtures:
    lab            session-scoped, running Lab (skips the test if not root or packages are missing)
    scenario       factory: ``scenario("sw1", "sw2", auth="psk")``; tunnels are removed after the test
    psk_tunnel     established PSK tunnel sw1 -> sw2 (strongSwan swanctl on both ends)
    cert_tunnel    established certificate tunnel sw1 -> sw2
    ansible_bin    path of the ``ansible`` next to the running Python (same venv)
"""

import os
import shutil
import sys

import pytest

from .constants import LIBRESWAN_CACHE
from .lab import Lab
from .topology import HOSTS

TIMINGS = []  # (label, seconds) of every lab setup/teardown in this session
# The one Lab of this process. Test modules that import the fixture functions create more
# fixture definitions of ``lab``; they all share this object instead of building a second lab.
SHARED = {}

REQUIRED_TOOLS = ("charon-systemd", "swanctl", "pki", "sshd", "ssh", "ssh-keygen", "nft", "unshare", "nsenter", "ip",
                  "ipsec")


def lab_skip_reason():
    """Why the lab cannot run here, or None."""
    if sys.platform != "linux":
        return "the IPsec lab needs Linux"
    if os.geteuid() != 0:
        return "the IPsec lab needs root (network namespaces, mounts, daemons)"
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        return "lab packages missing (%s): run scripts/lab-deps.sh as root" % ", ".join(missing)
    return None


def libreswan_available():
    """True if the Libreswan .deb is unpacked where the lab expects it."""
    return os.path.exists(os.path.join(LIBRESWAN_CACHE, "usr", "libexec", "ipsec", "pluto"))


def pytest_configure(config):
    """Register the ``lab`` marker."""
    config.addinivalue_line("markers", "lab: needs the real-daemon IPsec lab (root, lab packages)")


def pytest_terminal_summary(terminalreporter):
    """Print how long the session lab took to set up and tear down."""
    if TIMINGS:
        terminalreporter.write_sep("-", "ipsec lab")
        terminalreporter.write_line(", ".join("%s %.2f s" % item for item in TIMINGS))


@pytest.fixture(scope="session")
def lab(request):
    """The running lab (all hosts; Libreswan hosts only if Libreswan is unpacked)."""
    reason = lab_skip_reason()
    if reason:
        pytest.skip(reason)
    if "lab" in SHARED:
        return SHARED["lab"]
    only = None
    if not libreswan_available():
        only = [item.name for item in HOSTS if item.flavour != "libreswan"]
    the_lab = Lab(only=only)
    SHARED["lab"] = the_lab

    def finish():
        SHARED.pop("lab", None)
        the_lab.down()
        TIMINGS.append(("teardown", the_lab.timings["teardown"]))
    request.addfinalizer(finish)
    the_lab.up()
    if the_lab.timings["lock_wait"] >= 1:
        TIMINGS.append(("waited for another lab", the_lab.timings["lock_wait"]))
    TIMINGS.append(("setup", the_lab.timings["setup"]))
    return the_lab


@pytest.fixture
def scenario(lab):
    """Factory for Scenario objects; every tunnel it made is taken off its hosts after the test."""
    made = []

    def make(a, b, auth="psk", **kwargs):
        for name in (a, b):
            if name not in lab.hosts:
                pytest.skip("lab host %s is not available (Libreswan not unpacked?)" % name)
        item = lab.scenario(a, b, auth=auth, **kwargs)
        made.append(item)
        return item
    yield make
    for item in reversed(made):
        if all(host.running for host in item.hosts.values()):
            item.remove()


@pytest.fixture
def psk_tunnel(scenario):
    """An established PSK tunnel sw1 -> sw2."""
    return scenario("sw1", "sw2", auth="psk").up()


@pytest.fixture
def cert_tunnel(scenario):
    """An established certificate tunnel sw1 -> sw2."""
    return scenario("sw1", "sw2", auth="cert").up()


@pytest.fixture(scope="session")
def ansible_bin():
    """The ``ansible`` executable of the venv running pytest (skip if there is none)."""
    path = os.path.join(os.path.dirname(sys.executable), "ansible")
    if not os.access(path, os.X_OK):
        pytest.skip("no ansible next to %s" % sys.executable)
    return path
