"""Command line: ``python -m ipsec_lab up|down|status|inventory|run|faults|demo`` (as root, from tests/lab)."""

import argparse
import os
import sys
import time

from . import net, state
from .constants import STATE_DIR
from .faults import CATALOGUE
from .lab import Lab


def cmd_up(args):
    """Bring the lab up and leave it running."""
    lab = Lab(state_dir=args.state_dir, only=args.only)
    lab.up()
    lab.detach()
    print("lab up in %.2f s: %d hosts" % (lab.timings["setup"], len(lab.hosts)))
    print("inventory: %s" % lab.inventory_path)
    print("ssh key:   %s" % lab.ssh_key)
    return 0


def cmd_down(args):
    """Tear down the lab described by the state folder."""
    start = time.monotonic()
    removed = state.cleanup(args.state_dir)
    print("lab down in %.2f s (%d objects removed)" % (time.monotonic() - start, len(removed)))
    return 0


def cmd_status(args):
    """Show hosts, namespaces and links of the lab."""
    lab = Lab.attach(args.state_dir)
    if not lab.hosts:
        print("lab is not running")
    else:
        print(lab.status())
    print("namespaces: %s" % " ".join(net.lab_namespaces()))
    print("links:      %s" % " ".join(net.lab_links()))
    return 0


def cmd_inventory(args):
    """Print the inventory of the running lab."""
    path = os.path.join(args.state_dir, "inventory.ini")
    if not os.path.exists(path):
        print("lab is not running", file=sys.stderr)
        return 1
    with open(path, encoding="utf-8") as handle:
        sys.stdout.write(handle.read())
    return 0


def cmd_run(args):
    """Run a shell command on a host of the running lab."""
    lab = Lab.attach(args.state_dir)
    proc = lab.run(args.host, " ".join(args.command), check=False)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc.returncode


def cmd_faults(_args):
    """Print the fault catalogue as a Markdown table."""
    print("| fault | side | category | change | expected signatures (side, where, regex) | IKE SA / ping | finding |")
    print("|---|---|---|---|---|---|---|")
    for fault in CATALOGUE:
        sigs = "<br>".join("`%s`" % str(sig).replace("|", "\\|") for sig in fault.signatures)
        observed = "%s / %s" % ({True: "up", False: "down", None: "-"}[fault.established],
                                {True: "ok", False: "lost", None: "-"}[fault.ping])
        change = fault.change.replace("<", "&lt;").replace(">", "&gt;")
        row = (fault.id, fault.side, fault.category, change, sigs, observed, fault.finding)
        print("| `%s` | %s | %s | %s | %s | %s | `%s` |" % row)
    print()
    print("| fault (Libreswan on both ends) | expected signatures (side, where, regex) |")
    print("|---|---|")
    for fault in CATALOGUE:
        if fault.libreswan is not None:
            sigs = "<br>".join("`%s`" % str(sig).replace("|", "\\|") for sig in fault.libreswan)
            print("| `%s` | %s |" % (fault.id, sigs))
    return 0


def cmd_demo(args):
    """Bring the lab up, show a healthy tunnel and every fast fault, tear down."""
    with Lab(state_dir=args.state_dir) as lab:
        print("setup: %.2f s" % lab.timings["setup"])
        for auth in ("psk", "cert"):
            tunnel = lab.scenario("sw1", "sw2", auth=auth).up()
            print("%s tunnel sw1 -> sw2 established, client ping: %s" % (auth, tunnel.ping()))
            tunnel.remove()
        for fault in CATALOGUE:
            if fault.timeout > 5 and not args.slow:
                continue
            tunnel = lab.scenario("sw1", "sw2", auth=fault.auth or "psk")
            tunnel.inject(fault)
            result = tunnel.check()
            print("%-28s %s (%.1f s)" % (fault.id, "signature seen" if result.ok else "NOT SEEN", result.elapsed))
            tunnel.remove()
    print("teardown: %.2f s" % lab.timings["teardown"])
    return 0


def main(argv=None):
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m ipsec_lab", description=__doc__)
    parser.add_argument("--state-dir", default=STATE_DIR, help="lab state folder (default %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="bring the lab up and leave it running")
    up.add_argument("--only", nargs="+", help="only these hosts")
    up.set_defaults(func=cmd_up)
    sub.add_parser("down", help="tear the lab down").set_defaults(func=cmd_down)
    sub.add_parser("status", help="show the lab").set_defaults(func=cmd_status)
    sub.add_parser("inventory", help="print the Ansible inventory").set_defaults(func=cmd_inventory)
    run = sub.add_parser("run", help="run a command on a host")
    run.add_argument("host")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
    sub.add_parser("faults", help="print the fault catalogue").set_defaults(func=cmd_faults)
    demo = sub.add_parser("demo", help="up, healthy tunnels, every fault, down")
    demo.add_argument("--slow", action="store_true", help="include the faults that wait for a retransmit timeout")
    demo.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("the lab needs root")
    return args.func(args)
