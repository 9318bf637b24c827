"""Ansible inventory (INI) for the lab hosts: groups per flavour, one ``lab`` parent group."""

from .topology import GROUP_VARS

SSH_ARGS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"


def render(hosts, key_path):
    """INI inventory text for ``hosts`` (dict name -> Host) reached with the private key ``key_path``."""
    lines = ["# Ansible inventory of the ipsec.doctor lab (generated; do not edit)"]
    groups = {}
    for host in hosts.values():
        groups.setdefault(host.flavour, []).append(host)
    for group in sorted(groups):
        lines.append("[%s]" % group)
        for host in groups[group]:
            lan = host.lan[0] if host.lan else ""
            lines.append("%s ansible_host=%s ipsec_lab_peer=%s ipsec_lab_lan=%s ipsec_lab_id=%s"
                         % (host.name, host.addr, host.peer, lan, host.fqdn))
        lines.append("")
        lines.append("[%s:vars]" % group)
        for key, value in sorted(GROUP_VARS[group].items()):
            lines.append("%s=%s" % (key, value))
        lines.append("")
    lines.append("[lab:children]")
    lines += sorted(groups)
    lines += [
        "",
        "[lab:vars]",
        "ansible_user=root",
        "ansible_ssh_private_key_file=%s" % key_path,
        "ansible_ssh_common_args='%s'" % SSH_ARGS,
        "ansible_python_interpreter=/usr/bin/python3",
        "ansible_pipelining=true",
        "",
    ]
    return "\n".join(lines)
