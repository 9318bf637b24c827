"""Setup and teardown: fast, repeatable, and nothing of the lab is left behind."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ipsec_lab import state
from ipsec_lab.proc import wait_until

pytestmark = pytest.mark.lab

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
MAX_SECONDS = 5.0


def run_cli(lab, *args, timeout=60):
    """Run ``python -m ipsec_lab ARGS`` from tests/lab (lending it our lab lock)."""
    return subprocess.run([sys.executable, "-m", "ipsec_lab"] + list(args), cwd=LAB_DIR, capture_output=True,
                          text=True, timeout=timeout, check=False, env=lab.lock.lend())


@pytest.fixture(scope="module")
def lab_down(lab):
    """The session lab taken down for this module's tests (keeping the machine's lab lock), then back up."""
    lab.down(keep_lock=True)
    assert not state.leftovers(lab.state_dir)
    yield lab
    lab.up()


def test_up_twice_then_down_leaves_nothing(lab_down):
    """up(), up() again without down (clears the first), down(): each under 5 s, nothing left."""
    lab = lab_down
    assert not state.leftovers(lab.state_dir)
    lab.up()
    first = lab.timings["setup"]
    assert lab.ssh("sw1", "true").returncode == 0
    lab.up()
    second = lab.timings["setup"]
    assert lab.ssh("sw2", "true").returncode == 0
    tunnel = lab.scenario("sw1", "sw2").up()
    assert tunnel.ping()
    lab.down(keep_lock=True)
    print("setup %.2f s, setup over a running lab %.2f s, teardown %.2f s" % (first, second, lab.timings["teardown"]))
    assert first < MAX_SECONDS and second < MAX_SECONDS and lab.timings["teardown"] < MAX_SECONDS
    assert not state.leftovers(lab.state_dir)


def test_leftovers_of_a_killed_run_are_cleared(lab_down):
    """A lab left running by another process (CLI ``up``) is cleared by the next up, then down."""
    lab = lab_down
    assert not state.leftovers(lab.state_dir)
    proc = run_cli(lab, "up")
    assert proc.returncode == 0, proc.stderr
    assert state.leftovers(lab.state_dir)["netns"]
    lab.up()
    assert lab.ssh("sw1", "true").returncode == 0
    lab.down(keep_lock=True)
    assert not state.leftovers(lab.state_dir)


def test_sigterm_tears_the_lab_down(lab_down):
    """A process holding the lab that gets SIGTERM removes everything before it exits."""
    lab = lab_down
    assert not state.leftovers(lab.state_dir)
    code = "from ipsec_lab.lab import Lab\nimport time\nlab = Lab().up()\nprint('up', flush=True)\ntime.sleep(60)\n"
    with subprocess.Popen([sys.executable, "-c", code], cwd=LAB_DIR, stdout=subprocess.PIPE, text=True,
                          env=lab.lock.lend()) as child:
        assert child.stdout.readline().strip() == "up"
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        child.stdout.close()
    assert wait_until(lambda: not state.leftovers(lab.state_dir), 5), state.leftovers(lab.state_dir)


def test_cli_down_after_cli_up(lab_down):
    """``python -m ipsec_lab up`` then ``down``: both fast, nothing left."""
    lab = lab_down
    assert not state.leftovers(lab.state_dir)
    start = time.monotonic()
    assert run_cli(lab, "up").returncode == 0
    up_seconds = time.monotonic() - start
    status = run_cli(lab, "status")
    assert "sw1" in status.stdout
    start = time.monotonic()
    assert run_cli(lab, "down").returncode == 0
    down_seconds = time.monotonic() - start
    print("cli up %.2f s, cli down %.2f s" % (up_seconds, down_seconds))
    assert not state.leftovers(lab.state_dir)
