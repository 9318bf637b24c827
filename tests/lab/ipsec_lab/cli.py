"""Command line: ``python -m ipsec_lab up|down|status|inventory|run|tunnel|inject|restore|remove|faults|demo``."""

import argparse
import os
import sys
import time

from . import net, state
from .constants import STATE_DIR
from .faults import CATALOGUE
from .lab import Lab
from .lock import LabLock


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
    """Tear down the lab described by the state folder (not one a live process still holds)."""
    start = time.monotonic()
    lock = LabLock(args.state_dir)
    lock.acquire(timeout=args.wait)
    try:
        removed = state.cleanup(args.state_dir)
    finally:
        lock.release()
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


def _scenario(args):
    lab = Lab.attach(args.state_dir)
    if not lab.hosts:
        raise SystemExit("lab is not running: python -m ipsec_lab up")
    return lab.scenario(args.a, args.b, auth=args.auth, cert=args.cert)


def cmd_tunnel(args):
    """Bring up a healthy tunnel a -> b on the running lab."""
    tunnel = _scenario(args)
    tunnel.up()
    child = "libreswan" not in (tunnel.host("a").flavour, tunnel.host("b").flavour)
    print("%s established (%s)%s" % (tunnel.conn, args.auth,
                                     ", client ping: %s" % tunnel.ping() if child else ", IKE SA only (Libreswan)"))
    return 0


def cmd_inject(args):
    """Inject faults into the tunnel a -> b and initiate it (or check the signatures with --check)."""
    tunnel = _scenario(args)
    tunnel.inject(*args.faults, side=args.side)
    if args.check:
        result = tunnel.check()
        print(result.report())
        return 0 if result.ok else 1
    tunnel.initiate()
    time.sleep(args.wait)
    print(tunnel.describe())
    return 0


def cmd_restore(args):
    """Restore the healthy tunnel a -> b and bring it up again."""
    tunnel = _scenario(args)
    tunnel.restore()
    return cmd_tunnel(args)


def cmd_remove(args):
    """Take the tunnel a -> b off both hosts."""
    _scenario(args).remove()
    return 0


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
    for title, attr in (("legacy ipsec.conf flavour, where it differs", "legacy"),
                        ("Libreswan on both ends", "libreswan")):
        print()
        print("| fault (%s) | expected signatures (side, where, regex) |" % title)
        print("|---|---|")
        for fault in CATALOGUE:
            if getattr(fault, attr) is not None:
                sigs = "<br>".join("`%s`" % str(sig).replace("|", "\\|") for sig in getattr(fault, attr))
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
    down = sub.add_parser("down", help="tear the lab down")
    down.add_argument("--wait", type=float, default=5.0, help="seconds to wait for a lab in use by another process")
    down.set_defaults(func=cmd_down)
    sub.add_parser("status", help="show the lab").set_defaults(func=cmd_status)
    sub.add_parser("inventory", help="print the Ansible inventory").set_defaults(func=cmd_inventory)
    run = sub.add_parser("run", help="run a command on a host")
    run.add_argument("host")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
    for name, func, text in (("tunnel", cmd_tunnel, "healthy tunnel a -> b (initiator a)"),
                             ("inject", cmd_inject, "inject faults into tunnel a -> b and initiate"),
                             ("restore", cmd_restore, "healthy tunnel a -> b again"),
                             ("remove", cmd_remove, "take tunnel a -> b off both hosts")):
        item = sub.add_parser(name, help=text)
        item.add_argument("a")
        item.add_argument("b")
        item.add_argument("--auth", choices=("psk", "cert"), default="psk")
        item.add_argument("--cert", default="valid", help="certificate variant for --auth cert (valid, chain)")
        if name == "inject":
            item.add_argument("faults", nargs="+", metavar="FAULT", help="fault ids (python -m ipsec_lab faults)")
            item.add_argument("--side", choices=("a", "b"), help="apply the faults on this side")
            item.add_argument("--check", action="store_true", help="wait for the expected signatures and report")
            item.add_argument("--wait", type=float, default=2.0, help="seconds to wait before showing the state")
        item.set_defaults(func=func)
    sub.add_parser("faults", help="print the fault catalogue").set_defaults(func=cmd_faults)
    demo = sub.add_parser("demo", help="up, healthy tunnels, every fault, down")
    demo.add_argument("--slow", action="store_true", help="include the faults that wait for a retransmit timeout")
    demo.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("the lab needs root")
    return args.func(args)
