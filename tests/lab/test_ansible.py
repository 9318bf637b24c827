"""Ansible reaches every lab host over real SSH with the generated inventory."""

import os
import subprocess

import pytest

pytestmark = pytest.mark.lab


def test_ansible_ping_all_hosts(lab, ansible_bin, tmp_path):
    """``ansible lab -m ping`` succeeds on every host of the inventory."""
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\n", encoding="utf-8")
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
               ANSIBLE_CONFIG=str(config))
    proc = subprocess.run([ansible_bin, "-i", lab.inventory_path, "lab", "-m", "ping", "-f", "10", "-o"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    answered = sorted(line.split(" | ")[0] for line in proc.stdout.splitlines() if " | SUCCESS" in line)
    assert answered == sorted(lab.hosts), proc.stdout


def test_ssh_lands_in_the_right_host(lab):
    """SSH to a host's address reaches that host (own hostname, own /etc, own daemon log path)."""
    for host in lab.hosts.values():
        assert lab.ssh(host, "hostname").stdout.strip() == host.name
