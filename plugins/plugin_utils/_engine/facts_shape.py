# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shape of ``ansible_facts.ipsec`` (docs/facts.md) and a normalizer that enforces it.

Facts come from another machine (or a saved file), so the engine never trusts their types:
every container the checks walk is made the type they expect, and every value used as a
name becomes text. What had to be changed is returned as a list of problems ("path: expected
a list, got bool") for the report; the rest of the facts stays as it was.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

TEXT = 'text'        # str (numbers become str), or None
NUMBER = 'number'    # int or float, or None

_PROPOSAL = {'encr': [TEXT], 'integ': [TEXT], 'prf': [TEXT], 'ke': [TEXT], 'esn': [TEXT]}
_PROPOSAL_SET = {'written': TEXT, 'effective': [_PROPOSAL]}
_AUTH = {'auth': TEXT, 'id': TEXT, 'certs': [TEXT], 'cacerts': [TEXT]}
_CHILD = {
    'name': TEXT, 'mode': TEXT, 'esp_proposals': _PROPOSAL_SET, 'pfs_groups': [TEXT], 'local_ts': [TEXT],
    'remote_ts': [TEXT], 'src': {}, 'rekey_time': NUMBER,
}
_CONNECTION = {
    'name': TEXT, 'daemon': TEXT, 'format': TEXT, 'file': TEXT, 'local_addrs': [TEXT], 'remote_addrs': [TEXT],
    'local_auth': [_AUTH], 'remote_auth': [_AUTH], 'ike_proposals': _PROPOSAL_SET, 'pools': [TEXT], 'vips': [TEXT],
    'children': [_CHILD], 'src': {}, 'local_port': NUMBER, 'remote_port': NUMBER, 'ike_version': NUMBER,
    'rekey_time': NUMBER, 'dpd_delay': NUMBER,
}
_CHILD_SA = {'name': TEXT, 'state': TEXT, 'local_ts': [TEXT], 'remote_ts': [TEXT]}

SCHEMA = {
    'gathered': [TEXT],
    'errors': [{'subset': TEXT, 'path': TEXT, 'message': TEXT}],
    'service': {
        'daemons': [{'name': TEXT, 'family': TEXT, 'version': TEXT, 'pids': [NUMBER], 'start_time': NUMBER,
                     'systemd': {}}],
        'sockets': {},
        'primary': TEXT,
        'config_loaded': {'loaded_connections': [TEXT], 'missing_from_daemon': [TEXT], 'extra_in_daemon': [TEXT]},
    },
    'config': {'files': [{}], 'errors': [{'file': TEXT, 'message': TEXT, 'severity': TEXT}],
               'connections': [_CONNECTION]},
    'secrets': {'entries': [{'type': TEXT, 'ids': [TEXT], 'digest': TEXT, 'file': TEXT, 'src': TEXT}],
                'files': [{'path': TEXT}], 'errors': [{}]},
    'certs': [{'path': TEXT, 'role': TEXT, 'pem': TEXT, 'nickname': TEXT, 'trust': TEXT}],
    'keys': [{'path': TEXT, 'pubkey_sha256': TEXT, 'mode': TEXT, 'owner': TEXT, 'group': TEXT}],
    'ports': [{'proto': TEXT, 'port': NUMBER, 'process': TEXT}],
    'firewall': {'blocking_rules': [{'protocol': TEXT, 'ports': [NUMBER], 'direction': TEXT, 'rule': TEXT}],
                 'default_drop_chains': [{'hook': TEXT}], 'masquerade_without_ipsec_exemption': [{}]},
    'kernel': {'config': {}, 'modules_loaded': [TEXT], 'modules_available': [TEXT], 'crypto': {}},
    'sysctl': {'runtime': {}, 'boot': {}},
    'routes': {'addresses': [{'ifname': TEXT, 'address': TEXT, 'prefixlen': NUMBER, 'scope': TEXT}],
               'interfaces': [{}], 'routes': [{}], 'rules': [{}], 'xfrm_policies': [{}], 'xfrm_states': [{}]},
    'sas': {'source': TEXT,
            'ike_sas': [{'connection': TEXT, 'state': TEXT, 'local_host': TEXT, 'remote_host': TEXT,
                         'dh_group': TEXT, 'child_sas': [_CHILD_SA]}]},
    'logs': {'events': [{'kind': TEXT, 'code': TEXT, 'connection': TEXT, 'line': TEXT, 'src': TEXT,
                         'daemon': TEXT, 'epoch': NUMBER}],
             'sources': [{}]},
}


def _type_name(value):
    return type(value).__name__


def _scalar(value, kind, path, problems):
    if value is None:
        return None
    if kind == TEXT:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    elif kind == NUMBER:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
    problems.append('%s: expected %s, got %s' % (path, kind, _type_name(value)))
    return None


def _normalize(value, spec, path, problems):
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            problems.append('%s: expected a mapping, got %s' % (path, _type_name(value)))
            return {}
        value = dict(value)   # a shallow copy per level: the caller's facts stay untouched
        for key, sub in spec.items():
            if key in value and value[key] is not None:
                value[key] = _normalize(value[key], sub, '%s.%s' % (path, key), problems)
        return value
    if isinstance(spec, list):
        if not isinstance(value, list):
            problems.append('%s: expected a list, got %s' % (path, _type_name(value)))
            return []
        item_spec = spec[0]
        kept = []
        for index, item in enumerate(value):
            item_path = '%s[%d]' % (path, index)
            if isinstance(item_spec, dict):
                if isinstance(item, dict):
                    kept.append(_normalize(item, item_spec, item_path, problems))
                else:
                    problems.append('%s: expected a mapping, got %s' % (item_path, _type_name(item)))
            else:
                scalar = _scalar(item, item_spec, item_path, problems)
                if scalar is not None:
                    kept.append(scalar)
        return kept
    return _scalar(value, spec, path, problems)


def _scalar_conforms(value, kind):
    if value is None:
        return True
    if kind == TEXT:
        return isinstance(value, str)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _conforms(value, spec):
    """True when value already has the shape of spec (checked without copying anything).

    Plain loops rather than all(): this runs over every value of every host's facts.
    """
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return False
        for key, sub in spec.items():
            item = value.get(key)
            if item is not None and not _conforms(item, sub):
                return False
        return True
    if isinstance(spec, list):
        if not isinstance(value, list):
            return False
        item_spec = spec[0]
        if isinstance(item_spec, str):
            for item in value:
                if not _scalar_conforms(item, item_spec):
                    return False
            return True
        for item in value:
            if not _conforms(item, item_spec):
                return False
        return True
    return _scalar_conforms(value, spec)


def normalize_facts(facts):
    """Return (facts in the documented shape, [problems]); facts themselves are never changed.

    Facts that already conform are returned as they are; otherwise the containers on the way
    to each wrong value are copied and the value is replaced.
    """
    if not isinstance(facts, dict):
        return {}, ['ipsec: expected a mapping, got %s' % _type_name(facts)] if facts is not None else []
    for key, spec in SCHEMA.items():
        if facts.get(key) is not None and not _conforms(facts[key], spec):
            break
    else:
        return facts, []
    clean = dict(facts)
    problems = []
    for key, spec in SCHEMA.items():
        if key in clean and clean[key] is not None:
            clean[key] = _normalize(clean[key], spec, key, problems)
    return clean, problems
