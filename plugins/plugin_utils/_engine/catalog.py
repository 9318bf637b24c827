# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every finding code the engine can report: the single source of truth.

Each entry says which checklist category it belongs to, how severe it is, which check
produces it, where it ranks inside its category (lower first), what it usually means,
what evidence comes with it, how to repair it and which safe fix (if any) repairs it.
docs/findings.md is generated from this module (docs/generate_findings.py).

This module imports nothing from the collection so that the documentation generator
can load it on its own.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

# The checklist order: where a person should look first.
CATEGORIES = ('service', 'network', 'auth', 'config', 'nat', 'kernel', 'routing')

# Lowest to highest.
SEVERITIES = ('info', 'warning', 'error', 'critical')

FIX_NAMES = ('key_permissions', 'secret_permissions', 'sysctl_ip_forward', 'sysctl_rp_filter', 'kernel_modules')

FindingType = namedtuple('FindingType', [
    'code',         # stable UPPER_SNAKE_CASE name
    'category',     # one of CATEGORIES
    'severity',     # one of SEVERITIES
    'check',        # name of the check that reports it (junit test case name)
    'rank',         # order inside the category, lower first: causes before their symptoms
    'summary',      # str.format template of the one-line summary
    'cause',        # what it usually means (documentation)
    'evidence',     # what evidence the finding carries (documentation)
    'remediation',  # str.format template of what to change, on which host
    'fixes',        # names of the safe fixes that can repair it; the first is the default
    'causes',       # codes whose symptom this one explains (ranked after it)
])


def _entry(code, category, severity, check, rank, summary, cause, evidence, remediation, fixes=(), causes=()):
    return FindingType(code, category, severity, check, rank, summary, cause, evidence, remediation,
                       tuple(fixes), tuple(causes))


_PEER_SILENCE = ('PEER_UNREACHABLE', 'LOG_FAILURE_UNEXPLAINED')

_ENTRIES = (
    # --- service -------------------------------------------------------------------------------
    _entry('HOST_UNREACHABLE', 'service', 'error', 'facts', 1,
           '{host}: host could not be reached, no IPsec facts',
           'Ansible could not connect to the host, so nothing on it was checked. Its tunnels are judged '
           'from the other end only.',
           'The connection error Ansible reported.',
           'Make {host} reachable for Ansible (SSH, credentials, inventory address) and run again.',
           causes=_PEER_SILENCE),
    _entry('FACTS_UNAVAILABLE', 'service', 'error', 'facts', 2,
           '{host}: IPsec facts could not be gathered',
           'The ipsec_facts module failed or returned no ipsec facts on the host.',
           'The module error message.',
           'Look at the ipsec_facts task output for {host}; run it with -vvv and fix what it reports.',
           causes=_PEER_SILENCE),
    _entry('FACTS_INCOMPLETE', 'service', 'info', 'facts', 3,
           '{host}: {count} fact gap(s): some files or tools could not be read',
           'A subset, a file or a tool could not be read (for example without root). Checks that need it '
           'were skipped for this host, so the diagnosis is partial.',
           'Each gap: subset, path and message.',
           'Run the facts with become (root) on {host} or install the missing tool.'),
    _entry('FACTS_MALFORMED', 'service', 'warning', 'facts', 4,
           '{host}: {count} fact value(s) do not have the documented shape',
           'Some values of the facts are not of the type docs/facts.md documents (a list where a mapping '
           'belongs, for example): the facts module and the engine disagree, or saved facts were edited. The '
           'values were ignored, so checks that need them saw nothing there.',
           'Each value: its path, the expected and the found type.',
           'Gather the facts of {host} again with the ipsec_facts module of this collection version.'),
    _entry('CHECK_FAILED', 'service', 'warning', 'engine', 95,
           '{hosts}: check {check} could not run ({error})',
           'A check stopped on facts it could not interpret; the other checks still ran. This is a defect '
           'of ipsec.doctor or unexpected facts: please report it with the evidence.',
           'The check, the host or tunnel and the error.',
           'Report the evidence to the ipsec.doctor maintainers; check {check} by hand meanwhile.'),
    _entry('DAEMON_NOT_RUNNING', 'service', 'critical', 'service', 10,
           '{host}: no IKE daemon is running ({daemons})',
           'No IKE daemon process runs on a host that has IPsec connections (or a broken configuration). '
           'Nothing answers '
           'IKE there; the peer sees retransmits and "peer not responding".',
           'Installed daemons, systemd unit state, result, restarts and OOM kills.',
           'Start the IKE daemon on {host} ({unit}) and look at its journal for why it stopped.',
           causes=('IKE_PORT_NOT_LISTENING', 'CONFIG_NOT_LOADED') + _PEER_SILENCE),
    _entry('CONFIG_PARSE_ERROR', 'service', 'error', 'config-syntax', 20,
           '{host}: {count} error(s) in the IPsec configuration',
           'A configuration file has a syntax or semantic error; the daemon skips the broken section or '
           'refuses to load it. Libreswan\'s pluto and strongSwan\'s starter do not start at all with a broken '
           'ipsec.conf.',
           'Each error with its file:line and reason.',
           'Correct the listed lines on {host}, then reload (swanctl --load-all or ipsec reload).',
           causes=('DAEMON_NOT_RUNNING', 'CONFIG_NOT_LOADED', 'PEER_CONNECTION_MISSING') + _PEER_SILENCE),
    _entry('CONFIG_NOT_LOADED', 'service', 'error', 'config-loaded', 30,
           '{host}: connection {connection} is configured on disk but not loaded in the daemon',
           'The file was changed (or failed to load) after the daemon read it, so the daemon does not '
           'know the connection.',
           'Connections the daemon reports and the file:line of the connection.',
           'Load the configuration on {host}: swanctl --load-all (strongSwan) or ipsec auto --add {connection} '
           '(Libreswan).',
           causes=_PEER_SILENCE),
    _entry('LOG_FAILURE_UNEXPLAINED', 'service', 'warning', 'logs', 90,
           '{host}: the daemon logs {count} failure(s) that no static check explains',
           'The logs show a failed exchange but the configuration and host facts show no cause: the cause '
           'may sit outside the inventory (the peer, a firewall or NAT on the path).',
           'The log lines with their file:line, from both ends when available.',
           'Read the log lines on {host} and on the peer; check the path between them.'),
    # --- network -------------------------------------------------------------------------------
    _entry('IKE_PORT_NOT_LISTENING', 'network', 'error', 'ike-port', 10,
           '{host}: nothing of the IKE daemon listens on UDP {ports}',
           'The daemon runs but has no socket on the IKE port (socket plugin not loaded, port taken by '
           'another program, or a listen address that is not configured).',
           'The UDP sockets on the host and their processes.',
           'On {host}, make the IKE daemon bind UDP {ports} (check charon.port / listen= and which process '
           'holds the port).',
           causes=_PEER_SILENCE + ('NAT_T_BLOCKED',)),
    _entry('FIREWALL_BLOCKS_IKE', 'network', 'error', 'firewall', 20,
           '{host}: the firewall drops IKE (UDP {ports}) {direction}',
           'A firewall rule or a drop policy stops IKE packets, so the exchange times out.',
           'The blocking rules or the default-drop chains, with backend, table and chain.',
           'On {host}, allow UDP {ports} {direction} for the peer (before the dropping rule).',
           causes=_PEER_SILENCE + ('NAT_T_BLOCKED',)),
    _entry('FIREWALL_BLOCKS_ESP', 'network', 'error', 'firewall', 25,
           '{host}: the firewall drops ESP (IP protocol 50) {direction}',
           'The tunnel negotiates without UDP encapsulation, so the data travels as ESP; a rule or drop '
           'policy stops it: IKE comes up but no traffic passes.',
           'The blocking rules or the default-drop chains.',
           'On {host}, allow IP protocol 50 (esp) {direction} for the peer, or force UDP encapsulation.'),
    _entry('MASQUERADE_WITHOUT_EXEMPTION', 'network', 'warning', 'firewall', 40,
           '{host}: a masquerade rule has no IPsec policy exemption',
           'Source NAT rewrites tunnelled traffic before the IPsec policy sees it, so it leaves '
           'unencrypted or does not match the policy: the tunnel is up but traffic is lost.',
           'The masquerade rules.',
           'On {host}, exempt IPsec traffic from masquerading (nft: "meta ipsec exists accept"; iptables: '
           '"-m policy --pol ipsec --dir out -j ACCEPT" before the MASQUERADE rule).'),
    _entry('PEER_UNREACHABLE', 'network', 'error', 'reachability', 30,
           '{host}: the peer {peer} does not answer IKE (message ID {message_id})',
           'The daemon retransmitted and gave up. With message ID 0 no IKE_SA_INIT answer arrived (UDP 500 '
           'path); with message ID 1 IKE_AUTH got lost (UDP 4500 path or IKE fragments). No static check '
           'found a cause on the hosts of the inventory.',
           'The retransmit and give-up log lines.',
           'Check the path from {host} to {peer}: routing, firewalls and NAT between them, and the daemon on '
           'the peer.'),
    _entry('PEER_NOT_IN_INVENTORY', 'network', 'info', 'pairing', 90,
           '{host}: connection {connection} has no peer in the inventory ({peer})',
           'The other end is not an inventory host, or pairing could not infer it. Only one-sided checks '
           'ran for this connection.',
           'The remote addresses and identities of the connection.',
           'Add the peer to the inventory, or name it in ipsec_doctor_peers on {host}.'),
    # --- auth ----------------------------------------------------------------------------------
    _entry('PSK_MISSING', 'auth', 'error', 'psk', 10,
           '{host}: no pre-shared key for {local_id} - {remote_id}',
           'The connection authenticates with a PSK but no secret matches its identities, so the daemon '
           'logs "no shared key found".',
           'The connection, its identities and the secrets entries found (never the secret).',
           'On {host}, add a PSK for {local_id} and {remote_id} to the secrets and reload them.',
           causes=('LOG_FAILURE_UNEXPLAINED',)),
    _entry('PSK_MISMATCH', 'auth', 'error', 'psk', 20,
           '{hosts}: the pre-shared keys differ',
           'Both ends found a PSK for the tunnel but the keys differ: the responder logs "MAC mismatched" '
           'or "computed hash does not match", the initiator receives AUTHENTICATION_FAILED.',
           'Where each secret is written (file:line); the keyed digests are compared, never shown.',
           'Set the same PSK on both ends ({hosts}) and reload the secrets.',
           causes=('LOG_FAILURE_UNEXPLAINED',)),
    _entry('CERT_MISSING', 'auth', 'error', 'credentials', 25,
           '{host}: connection {connection} uses certificates but its certificate {cert} is not there',
           'The connection authenticates with a certificate that the host does not have (or that could '
           'not be read), so it cannot authenticate itself.',
           'The certificate named by the connection and the certificates found on the host.',
           'Install the certificate {cert} on {host} (swanctl x509/, ipsec.d/certs or NSS) and reload.'),
    _entry('PRIVATE_KEY_MISSING', 'auth', 'error', 'credentials', 30,
           '{host}: no private key for the certificate of {connection}',
           'The connection authenticates with a certificate but the host has no private key for it; the '
           'daemon logs "no private key found".',
           'The certificate and the private keys found (metadata only).',
           'Install the private key matching {cert} on {host} (swanctl private/ or the NSS database).'),
    _entry('CERT_KEY_MISMATCH', 'auth', 'error', 'credentials', 35,
           '{host}: no private key matches certificate {cert}',
           'Private keys exist but none belongs to the certificate (public key digests differ).',
           'The certificate public key digest and the key files with their digests.',
           'On {host}, install the private key that belongs to {cert}, or the certificate of the key.'),
    _entry('CERT_EXPIRED', 'auth', 'error', 'certificate-validity', 40,
           '{host}: certificate {cert} expired on {not_after}',
           'The peer rejects an expired certificate ("subject certificate invalid", AUTHENTICATION_FAILED).',
           'Certificate subject, path and validity dates.',
           'Renew {cert} on {host} and reload the credentials.'),
    _entry('CERT_NOT_YET_VALID', 'auth', 'error', 'certificate-validity', 41,
           '{host}: certificate {cert} is not valid before {not_before}',
           'The certificate starts in the future (or a clock is wrong); the peer rejects it.',
           'Certificate subject, path and validity dates.',
           'Check the clocks of {host} and its peer; reissue {cert} with a correct start date.'),
    _entry('CERT_UNTRUSTED', 'auth', 'error', 'certificate-trust', 50,
           '{peer}: does not trust the certificate of {host} ({cert})',
           'No CA the verifying peer trusts issued the certificate (directly or through intermediates it can '
           'find): it logs "no issuer certificate found" or "no trusted public key found".',
           'The certificate issuer, the chain found and the CAs the peer trusts.',
           'Install the issuing CA certificate on {peer} (swanctl x509ca/ or ipsec.d/cacerts or NSS), or '
           'reissue the certificate from a CA the peer trusts.'),
    _entry('CERT_ID_MISMATCH', 'auth', 'error', 'certificate-identity', 60,
           '{host}: certificate {cert} does not contain the identity {identity}',
           'The identity this end sends (or the peer expects) is neither a subjectAltName nor the subject '
           'of the certificate, so the peer refuses it ("constraint check failed").',
           'The identity, the certificate subject and its subjectAltNames.',
           'Set the identity on {host} to a subjectAltName of the certificate, or reissue the certificate '
           'with {identity} as subjectAltName.'),
    _entry('CERT_EXPIRES_SOON', 'auth', 'warning', 'certificate-validity', 70,
           '{host}: certificate {cert} expires in {days} day(s)',
           'The certificate is still valid but expires soon; the tunnel will fail then.',
           'Certificate subject, path and validity dates.',
           'Renew {cert} on {host} before {not_after}.'),
    _entry('KEY_PERMISSIONS', 'auth', 'warning', 'key-permissions', 80,
           '{host}: {path} is readable beyond root (mode {mode}, owner {owner})',
           'A private key or a file holding secrets is readable by group or others, or not owned by root. '
           'The daemons use it anyway, so only a diagnosis tool notices.',
           'Path, mode, owner and group.',
           'On {host}: chown root and chmod 0600 {path}.',
           fixes=('key_permissions', 'secret_permissions')),
    # --- config --------------------------------------------------------------------------------
    _entry('PEER_CONNECTION_MISSING', 'config', 'error', 'peer-connection', 5,
           '{peer} has no connection for {host} ({connection} points at it)',
           'The connection of one end points at an inventory host that has no connection matching it back '
           '(by address, identity or selectors): the peer answers NO_PROPOSAL_CHOSEN ("no IKE config found") '
           'or "no matching peer config".',
           'The remote address of the connection and the connections the peer has.',
           'Add a connection for {host} on {peer}, or correct its remote address and identity (or name the '
           'pair in ipsec_doctor_peers when it cannot be inferred).',
           causes=('LOG_FAILURE_UNEXPLAINED',)),
    _entry('IKE_VERSION_MISMATCH', 'config', 'error', 'ike-version', 10,
           '{hosts}: IKE versions differ (IKEv{version_a} vs IKEv{version_b})',
           'One end insists on IKEv1 and the other on IKEv2: nothing can be negotiated. A daemon without '
           'IKEv1 (Libreswan\'s ikev1-policy=drop) does not even load the IKEv1 connection.',
           'The version settings with their file:line.',
           'Use the same IKE version on both ends (keyexchange=ikev2 / version = 2).',
           causes=('IKE_PROPOSAL_MISMATCH', 'CONFIG_NOT_LOADED')),
    _entry('AUTH_METHOD_MISMATCH', 'config', 'error', 'auth-method', 20,
           '{host} authenticates with {method} but {peer} expects {expected}',
           'The authentication class one end uses is not the one the other end requires for it.',
           'The auth settings of both ends with their file:line.',
           'Use the same authentication method on both ends (auth = psk|pubkey, authby=).',
           causes=('PSK_MISSING', 'LOG_FAILURE_UNEXPLAINED')),
    _entry('ID_MISMATCH', 'config', 'error', 'identity', 30,
           '{host} sends identity {identity} but {peer} expects {expected}',
           'The local identity of one end is not the remote identity the other end expects: the responder '
           'logs "no matching peer config found" / "Peer ID mismatched".',
           'Both identities with their file:line.',
           'Make the local id on {host} equal the remote id on {peer} (or the other way round).',
           causes=('PSK_MISSING', 'CERT_ID_MISMATCH', 'LOG_FAILURE_UNEXPLAINED')),
    _entry('IKE_PROPOSAL_MISMATCH', 'config', 'error', 'ike-proposals', 40,
           '{hosts}: no IKE proposal both ends accept',
           'The intersection of the IKE proposals each daemon really offers and accepts (its written '
           'proposals plus its defaults) is empty: NO_PROPOSAL_CHOSEN at IKE_SA_INIT.',
           'The written and effective proposals of both ends with their file:line.',
           'Add a common IKE proposal on both ends, e.g. aes256-sha256-modp2048 / aes256gcm16-prfsha256-ecp256.'),
    _entry('ESP_PROPOSAL_MISMATCH', 'config', 'error', 'esp-proposals', 50,
           '{hosts}: no ESP proposal both ends accept for {child}',
           'The intersection of the ESP proposals is empty: the IKE SA comes up, the CHILD_SA is refused '
           '(NO_PROPOSAL_CHOSEN in IKE_AUTH).',
           'The written and effective ESP proposals of both ends with their file:line.',
           'Add a common ESP proposal on both ends, e.g. aes256gcm16 or aes256-sha256.'),
    _entry('PFS_MISMATCH', 'config', 'error', 'pfs', 60,
           '{hosts}: PFS groups for rekeying {child} do not match ({groups_a} vs {groups_b})',
           'The key exchange groups used for CHILD_SA rekeying (PFS) have nothing in common. The first '
           'CHILD_SA is created inside IKE_AUTH without a key exchange and comes up, so the failure shows '
           'only at the first rekey (CREATE_CHILD_SA answered with NO_PROPOSAL_CHOSEN). Classic trap: '
           'strongSwan\'s default ESP proposals carry no KE method while Libreswan pfs=yes (its default) '
           'reuses the IKE group on rekey.',
           'ESP proposals, pfs settings and the IKE group of both ends, the rekey time.',
           'Use the same PFS group on both ends: add it to the strongSwan esp_proposals (e.g. '
           'aes256gcm16-{ike_group}) or set pfs=no on the Libreswan end.'),
    _entry('LIFETIME_MISMATCH', 'config', 'info', 'lifetimes', 70,
           '{hosts}: rekey times differ for {what} ({value_a} s vs {value_b} s)',
           'Different lifetimes work (the shorter one rekeys first) but make rekey collisions and '
           'surprises more likely.',
           'Both lifetimes with their file:line.',
           'Align the lifetimes on both ends.'),
    _entry('DPD_DISABLED', 'config', 'info', 'dpd', 80,
           '{host}: dead peer detection is off for {connection}',
           'Without DPD a dead peer or an expired NAT mapping is noticed only at the next rekey.',
           'The dpd_delay setting.',
           'Set dpd_delay (strongSwan) / dpddelay (Libreswan) to e.g. 30s on {host}.'),
    # --- nat -----------------------------------------------------------------------------------
    _entry('NAT_T_BLOCKED', 'nat', 'error', 'nat-traversal', 10,
           '{hosts}: NAT-T needs UDP 4500, but on {host} it is {reason}',
           'A NAT sits between the peers (or encapsulation is forced), so IKE moves to UDP 4500 after '
           'IKE_SA_INIT and ESP travels inside UDP 4500; 4500 is blocked or nobody listens there: '
           'IKE_AUTH (message ID 1) times out.',
           'NAT detection (SA flags, forced encap, addresses), the 4500 socket and firewall rules.',
           'On {host}, allow and listen on UDP 4500.'),
    # --- kernel --------------------------------------------------------------------------------
    _entry('KERNEL_ESP_UNSUPPORTED', 'kernel', 'error', 'kernel-esp', 10,
           '{host}: the kernel cannot do ESP and no userspace ESP is loaded',
           'The IKE SA may establish, but the CHILD_SA cannot be installed ("unable to install IPsec SA '
           'in kernel", errno 38/93). The daemon then answers NO_PROPOSAL_CHOSEN or TS_UNACCEPTABLE, '
           'which looks like a proposal or selector mismatch but is a kernel gap (the log lines are '
           'attached here when no configuration mismatch explains them). Its severity is error, not '
           'critical: IKE still works, and a configuration fault that stops the exchange earlier is '
           'listed before it.',
           'Kernel release, config (CONFIG_INET_ESP, CONFIG_XFRM_USER), loaded and available modules.',
           'On {host}, load esp4/esp6 and xfrm_user, use a kernel with CONFIG_INET_ESP, or (strongSwan) '
           'load the kernel-libipsec plugin.',
           fixes=('kernel_modules',),
           causes=('LOG_FAILURE_UNEXPLAINED',)),
    _entry('IP_FORWARD_DISABLED', 'kernel', 'error', 'ip-forward', 20,
           '{host}: IP forwarding is off but the host is a gateway for {subnets}',
           'The traffic selectors cover networks behind the host, so it must forward packets; with '
           'forwarding off the tunnel is up but traffic to those networks is silently lost.',
           'The sysctl value and the traffic selectors that need forwarding.',
           'On {host}: sysctl -w {sysctl}=1 and persist it in /etc/sysctl.d.',
           fixes=('sysctl_ip_forward',)),
    _entry('RP_FILTER_STRICT', 'kernel', 'warning', 'rp-filter', 30,
           '{host}: strict reverse path filtering on {ifname}',
           'rp_filter=1 (effective value is the maximum of "all" and the interface) drops decapsulated '
           'packets whose source is not routed back through the same interface.',
           'The all/interface rp_filter values and the interface carrying the tunnel.',
           'On {host}, set net.ipv4.conf.all.rp_filter and net.ipv4.conf.{ifname}.rp_filter to 2 (loose) '
           'or 0.',
           fixes=('sysctl_rp_filter',)),
    # --- routing -------------------------------------------------------------------------------
    _entry('TS_MISMATCH', 'routing', 'error', 'traffic-selectors', 10,
           '{hosts}: traffic selectors of {child} do not match ({detail})',
           'What one end protects locally is not what the other expects as remote (in one direction or '
           'both): TS_UNACCEPTABLE, no CHILD_SA.',
           'local_ts and remote_ts of both ends with their file:line.',
           'Mirror the subnets: local_ts (leftsubnet) of one end = remote_ts (rightsubnet) of the other.'),
    _entry('TS_NARROWED', 'routing', 'warning', 'traffic-selectors', 15,
           '{hosts}: traffic selectors of {child} only overlap ({detail})',
           'The selectors overlap without one covering the other: strongSwan narrows them, Libreswan may '
           'refuse; part of the traffic is not carried.',
           'local_ts and remote_ts of both ends with their file:line.',
           'Mirror the subnets exactly on both ends.'),
    _entry('SUBNET_OVERLAP', 'routing', 'warning', 'subnet-overlap', 20,
           '{host}: {what} of {connection} overlaps {other}',
           'A remote subnet overlaps a network the host is directly connected to, or local and remote '
           'subnets overlap: routing and IPsec policies fight over those addresses.',
           'The selectors and the overlapping network.',
           'Renumber one side or use distinct, non-overlapping subnets for {connection} on {host}.'),
    _entry('VIRTUAL_IP_CONFLICT', 'routing', 'error', 'virtual-ip', 30,
           '{host}: virtual IP {address} of {connection} conflicts with {other}',
           'A virtual IP requested or assigned for the tunnel is already used elsewhere (another host, '
           'another connection or a directly connected network).',
           'The virtual IPs and the conflicting address or network.',
           'Use a pool range that no host or LAN uses, or request another address on {host}.'),
)

CATALOG = dict((entry.code, entry) for entry in _ENTRIES)


def finding_type(code):
    """Return the FindingType of code; KeyError for an unknown code (a programming error)."""
    return CATALOG[code]


def all_finding_types():
    """Return every FindingType in checklist order (category, then rank)."""
    return sorted(_ENTRIES, key=lambda item: (CATEGORIES.index(item.category), item.rank, item.code))


def severity_index(severity):
    """Return the position of severity in SEVERITIES (higher is more severe)."""
    return SEVERITIES.index(severity)


def category_index(category):
    """Return the position of category in the checklist order."""
    return CATEGORIES.index(category)
