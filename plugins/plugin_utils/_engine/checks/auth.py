# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 3, auth: pre-shared keys, certificates, private keys and their file permissions.

PSKs are compared by their keyed digests (the same per-run key on every host); a secret or
a digest never appears in evidence, only where it is written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.certificates import CA_ROLES, build_chain
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import auth_class, where
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.identities import (
    auth_round,
    effective_local_id,
    expected_remote_id,
    id_matches,
    is_any,
)

PSK_TYPES = ('psk', 'ike', 'secret')
_ROOT = ('root', '0', 0)


def _uses(conn, side, method):
    return any(auth_class(item.get('auth')) == method for item in conn.get('%s_auth' % side) or [])


def _peer_sent_id(ctx, tunnel, end):
    """The identity the other end of tunnel sends (None when unknown)."""
    other = tunnel.other(end)
    if other.host is None or other.conn is None:
        return expected_remote_id(end.conn)
    subject = None
    if _uses(other.conn, 'local', 'pubkey'):
        _fact, parsed, _name = ctx.end_certificate(other.host, other.conn)
        subject = parsed.subject if parsed is not None else None
    return effective_local_id(other.conn, other.address, subject)


def find_psk(entries, local_id, remote_id):
    """Return the secrets entry a daemon would pick for the IDs (best match first), or None.

    An entry matching both IDs beats one matching the remote ID, which beats one matching the
    local ID; an entry without IDs (or with %any) matches anything with the lowest rank.
    """
    best, best_score = None, 0
    for entry in entries:
        if str(entry.get('type') or '').lower() not in PSK_TYPES:
            continue
        ids = [str(item) for item in entry.get('ids') or []]
        concrete = [item for item in ids if not is_any(item)]
        if not concrete:
            score = 1
        else:
            local = local_id is not None and any(id_matches(item, local_id) for item in concrete)
            remote = remote_id is not None and any(id_matches(item, remote_id) for item in concrete)
            if not local and not remote:
                continue
            score = 2 + (4 if remote else 0) + (2 if local else 0)
        if score > best_score:
            best, best_score = entry, score
    return best


def psk(ctx, tunnel):
    """Each end that authenticates with a PSK has one for the tunnel's IDs, and both keys are equal."""
    found = {}
    for end in tunnel.ends:
        if end.host is None or end.conn is None or not _uses(end.conn, 'local', 'psk'):
            continue
        if not end.host.has('secrets'):
            continue
        local_id = effective_local_id(end.conn, end.address)
        remote_id = _peer_sent_id(ctx, tunnel, end)
        entry = find_psk(end.host.secret_entries, local_id, remote_id)
        if entry is None:
            yield Finding('PSK_MISSING', [end.host_name], tunnel=tunnel.id,
                          params={'local_id': local_id, 'remote_id': remote_id or '%any'},
                          evidence=['%s %s: auth = psk (%s), local id %s, remote id %s' % (
                              end.host_name, end.connection_name, where(end.conn, 'local_auth.0.auth'),
                              local_id, remote_id or '%any'),
                              '%s: %d secrets entries, none for these identities' % (
                                  end.host_name, len(end.host.secret_entries))],
                          connections=[(end.host_name, end.connection_name)])
            continue
        found[end.host_name] = (end, entry)
    if len(found) != 2:
        return
    (end_a, entry_a), (end_b, entry_b) = list(found.values())
    if not entry_a.get('digest') or not entry_b.get('digest'):
        return  # facts gathered without a digest key: the keys cannot be compared
    if entry_a.get('digest') == entry_b.get('digest'):
        return
    evidence = ['%s %s: PSK for %s written at %s' % (
        end.host_name, end.connection_name, ' - '.join(entry.get('ids') or ['%any']),
        entry.get('src') or entry.get('file') or '?') for end, entry in ((end_a, entry_a), (end_b, entry_b))]
    evidence.append('keyed digests of the two secrets differ')
    yield Finding('PSK_MISMATCH', [end_a.host_name, end_b.host_name], tunnel=tunnel.id, evidence=evidence,
                  connections=[(end_a.host_name, end_a.connection_name), (end_b.host_name, end_b.connection_name)])


def _key_for(host, parsed, fact):
    """Return (status, evidence): ok | missing | mismatch | unknown for the private key of a certificate."""
    trust = str(fact.get('trust') or '')
    if fact.get('nickname') is not None and 'u' in trust:
        return 'ok', []
    if not host.has('keys'):
        return 'unknown', []
    present = [key for key in host.keys if key.get('exists', True)]
    if any(key.get('pubkey_sha256') == parsed.pubkey_sha256 for key in present):
        return 'ok', []
    described = ['%s: key %s (%s %s bits, public key sha256 %s)' % (
        host.name, key.get('path'), key.get('key_type'), key.get('key_bits'),
        (key.get('pubkey_sha256') or key.get('error') or 'unreadable')[:16]) for key in present]
    described.extend('%s: key %s is referenced but does not exist' % (host.name, key.get('path'))
                     for key in host.keys if not key.get('exists', True))
    if any(not key.get('pubkey_sha256') for key in present):
        return 'unknown', described     # a key we could not read may be the one
    return ('mismatch' if present else 'missing'), described


def _wanted_certificate(conn, name):
    """How to name the certificate a connection lacks: its file or nickname, else what it must cover."""
    if auth_round(conn, 'local').get('certs'):
        return name
    return 'for %s' % name if name else 'for this connection'


def credentials(ctx, host):
    """Every connection that authenticates with a certificate has it, and the matching private key."""
    seen = set()
    for conn in host.connections:
        if not _uses(conn, 'local', 'pubkey') or not host.has('certs'):
            continue
        fact, parsed, name = ctx.end_certificate(host, conn)
        connections = [(host.name, conn.get('name'))]
        if parsed is None:
            wanted = _wanted_certificate(conn, name)
            evidence = ['%s %s: certificate %s (%s)' % (host.name, conn.get('name'), wanted,
                                                        where(conn, 'local_auth.0.certs'))]
            evidence.append('%s: certificates found: %s' % (
                host.name, ', '.join(str(item.get('path') or item.get('nickname')) for item in host.certs) or 'none'))
            yield Finding('CERT_MISSING', [host.name], params={'connection': conn.get('name'), 'cert': wanted},
                          evidence=evidence, connections=connections)
            continue
        if parsed.pubkey_sha256 in seen:
            continue
        seen.add(parsed.pubkey_sha256)
        status, evidence = _key_for(host, parsed, fact)
        cert_line = '%s: certificate %s (%s), public key sha256 %s' % (
            host.name, fact.get('path') or fact.get('nickname'), parsed.subject, parsed.pubkey_sha256[:16])
        if status == 'missing':
            yield Finding('PRIVATE_KEY_MISSING', [host.name],
                          params={'connection': conn.get('name'), 'cert': fact.get('path') or name},
                          evidence=[cert_line, '%s: no private key file found' % host.name] + evidence,
                          connections=connections)
        elif status == 'mismatch':
            yield Finding('CERT_KEY_MISMATCH', [host.name], params={'cert': fact.get('path') or name},
                          evidence=[cert_line] + evidence, connections=connections)


def certificate_validity(ctx, host):
    """Certificates in use and CA certificates are within their validity period (and not about to expire)."""
    if not host.has('certs'):
        return
    used = set()
    for conn in host.connections:
        if _uses(conn, 'local', 'pubkey'):
            _fact, parsed, _name = ctx.end_certificate(host, conn)
            if parsed is not None:
                used.add(parsed.pem)
    warn_days = int(ctx.options.get('cert_expiry_warning_days') or 0)
    for fact, parsed in ctx.parsed_certs(host):
        if parsed.pem not in used and fact.get('role') not in CA_ROLES:
            continue
        label = fact.get('path') or fact.get('nickname') or parsed.subject
        params = {'cert': label, 'not_before': parsed.not_before.strftime('%Y-%m-%d %H:%M UTC'),
                  'not_after': parsed.not_after.strftime('%Y-%m-%d %H:%M UTC')}
        evidence = ['%s: %s subject %s, valid from %s to %s' % (
            host.name, label, parsed.subject, params['not_before'], params['not_after'])]
        state = parsed.validity(ctx.now)
        if state == 'expired':
            yield Finding('CERT_EXPIRED', [host.name], params=params, evidence=evidence)
        elif state == 'not_yet_valid':
            yield Finding('CERT_NOT_YET_VALID', [host.name], params=params, evidence=evidence)
        else:
            days = (parsed.not_after - ctx.now).days
            if days < warn_days:
                params['days'] = days
                yield Finding('CERT_EXPIRES_SOON', [host.name], params=params, evidence=evidence)


def certificate_trust(ctx, tunnel):
    """The peer trusts a CA that (through intermediates) issued each end's certificate."""
    if not tunnel.paired:
        return
    for end in tunnel.ends:
        other = tunnel.other(end)
        if not _uses(end.conn, 'local', 'pubkey') or not end.host.has('certs') or not other.host.has('certs'):
            continue
        if not _uses(other.conn, 'remote', 'pubkey') and auth_round(other.conn, 'remote').get('auth') is not None:
            continue   # AUTH_METHOD_MISMATCH reports that
        fact, parsed, name = ctx.end_certificate(end.host, end.conn)
        if parsed is None:
            continue
        anchors = ctx.trust_anchors(other.host)
        intermediates = [item for _fact, item in ctx.parsed_certs(end.host, CA_ROLES)]
        trusted, chain, missing = build_chain(parsed, intermediates, anchors)
        if trusted:
            continue
        label = fact.get('path') or name
        evidence = ['%s: %s subject %s, issuer %s' % (end.host_name, label, parsed.subject, parsed.issuer)]
        if len(chain) > 1:
            evidence.append('chain found: %s' % ' <- '.join(item.subject for item in chain))
        evidence.append('%s: no trusted CA for issuer %s; trusted CAs: %s' % (
            other.host_name, missing, '; '.join(anchor.subject for anchor in anchors) or 'none'))
        yield Finding('CERT_UNTRUSTED', [end.host_name, other.host_name], tunnel=tunnel.id,
                      params={'host': end.host_name, 'peer': other.host_name, 'cert': label}, evidence=evidence,
                      connections=[(end.host_name, end.connection_name), (other.host_name, other.connection_name)])


def certificate_identity(ctx, tunnel):
    """Each certificate contains the identity its end sends and the identity the peer expects."""
    for end in tunnel.ends:
        if end.host is None or end.conn is None or not _uses(end.conn, 'local', 'pubkey'):
            continue
        if not end.host.has('certs'):
            continue
        fact, parsed, name = ctx.end_certificate(end.host, end.conn)
        if parsed is None:
            continue
        wanted = []
        local_id = auth_round(end.conn, 'local').get('id')
        if local_id and not is_any(local_id):
            wanted.append((local_id, where(end.conn, 'local_auth.0.id'), end.host_name))
        other = tunnel.other(end)
        if other.conn is not None:
            expected = expected_remote_id(other.conn)
            if expected is not None and id_matches(expected, local_id or parsed.subject):
                wanted.append((expected, where(other.conn, 'remote_auth.0.id'), other.host_name))
        for identity, origin, owner in wanted:
            if '*' in str(identity) or parsed.covers(identity):
                continue
            label = fact.get('path') or name
            yield Finding('CERT_ID_MISMATCH', [end.host_name] + ([other.host_name] if other.host_name else []),
                          tunnel=tunnel.id, params={'host': end.host_name, 'cert': label, 'identity': identity},
                          evidence=['%s: identity %s (%s)' % (owner, identity, origin),
                                    '%s: %s subject %s, subjectAltNames %s' % (
                                        end.host_name, label, parsed.subject,
                                        ', '.join(parsed.san_dns + parsed.san_ip + parsed.san_email) or 'none')],
                          connections=[(end.host_name, end.connection_name)])
            break


def _loose(mode, group, owner):
    """Return why a secret file's mode/owner is too open, or None."""
    reasons = []
    try:
        bits = int(str(mode), 8)
    except (TypeError, ValueError):
        bits = None
    if bits is not None:
        if bits & 0o007:
            reasons.append('readable by others')
        elif bits & 0o070 and group not in _ROOT:
            reasons.append('readable by group %s' % group)
    if owner is not None and owner not in _ROOT:
        reasons.append('owned by %s' % owner)
    return ', '.join(reasons) or None


def key_permissions(ctx, host):
    """Private keys and files holding secrets are readable by root only."""
    files = []
    for key in host.keys:
        files.append((key.get('path'), key.get('mode'), key.get('group'), key.get('owner'), 'key_permissions'))
    secret_files = {}
    for item in host.secret_files:
        secret_files[item.get('path')] = (item.get('mode'), item.get('group'), item.get('owner'))
    for entry in host.secret_entries:
        path = entry.get('file')
        if path and path not in secret_files:
            secret_files[path] = (entry.get('file_mode'), entry.get('file_group'), entry.get('file_owner'))
    for path in sorted(secret_files, key=str):
        mode, group, owner = secret_files[path]
        files.append((path, mode, group, owner, 'secret_permissions'))
    for path, mode, group, owner, fix in files:
        reason = _loose(mode, group, owner)
        if reason is None or not path:
            continue
        yield Finding('KEY_PERMISSIONS', [host.name],
                      params={'path': path, 'mode': mode, 'owner': owner if owner is not None else '?'},
                      evidence=['%s: %s mode %s owner %s group %s: %s' % (host.name, path, mode, owner, group, reason)],
                      fix=fix)


CHECKS = (
    Check('psk', 'auth', TUNNEL, psk),
    Check('credentials', 'auth', HOST, credentials),
    Check('certificate-validity', 'auth', HOST, certificate_validity),
    Check('certificate-trust', 'auth', TUNNEL, certificate_trust),
    Check('certificate-identity', 'auth', TUNNEL, certificate_identity),
    Check('key-permissions', 'auth', HOST, key_permissions),
)
