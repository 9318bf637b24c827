# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Conformance of the config parsers against the strongSwan and Libreswan test corpora.

A measurement, not a test: it prints agreement figures and exits 0 unless
--min-agreement is given and not reached. Run as root (it makes namespaces), with
the collection importable (PYTHONPATH holding ansible_collections/ipsec/doctor).
See README.md next to this file.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from agreement import Tally  # noqa: E402  pylint: disable=wrong-import-position
import libreswan_corpus  # noqa: E402  pylint: disable=wrong-import-position
import placeholders  # noqa: E402  pylint: disable=wrong-import-position
import strongswan_corpus  # noqa: E402  pylint: disable=wrong-import-position
from sandbox import Sandbox  # noqa: E402  pylint: disable=wrong-import-position


def _split(items, jobs):
    return [items[index::jobs] for index in range(jobs)]


def run_strongswan(tests_dir, work_dir, limit, jobs):
    """Return the tallies of the swanctl.conf and ipsec.conf files under tests_dir.

    The files are read from a copy in work_dir with the host placeholders replaced.
    """
    root = placeholders.prepared_copy(tests_dir, os.path.join(work_dir, 'strongswan-tests'))
    swanctl_files = strongswan_corpus.find_files(root, 'swanctl.conf')[:limit]
    ipsec_files = strongswan_corpus.find_files(root, 'ipsec.conf')[:limit]
    tallies = []

    def work(swanctl_part, ipsec_part, swanctl_tally, ipsec_tally):
        with Sandbox() as sandbox:
            for path in swanctl_part:
                strongswan_corpus.compare_swanctl(swanctl_tally, path, sandbox)
            for path in ipsec_part:
                strongswan_corpus.compare_ipsec_conf(ipsec_tally, path, sandbox)

    threads = []
    for swanctl_part, ipsec_part in zip(_split(swanctl_files, jobs), _split(ipsec_files, jobs)):
        pair = (Tally('strongSwan swanctl.conf (charon 5.9.8)', root),
                Tally('strongSwan ipsec.conf (starter 5.9.8)', root))
        tallies.append(pair)
        thread = threading.Thread(target=work, args=(swanctl_part, ipsec_part) + pair)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return [merge([pair[0] for pair in tallies]), merge([pair[1] for pair in tallies])]


def merge(tallies):
    """One tally from the tallies of several workers."""
    total = Tally(tallies[0].corpus, tallies[0].root)
    for tally in tallies:
        total.files += tally.files
        total.accepted += tally.accepted
        total.parser_clean += tally.parser_clean
        total.placeholders += tally.placeholders
        total.not_comparable += tally.not_comparable
        total.refused_flagged += tally.refused_flagged
        total.spelling_only += tally.spelling_only
        total.from_credential.extend(tally.from_credential)
        total.unflagged.extend(tally.unflagged)
        for reason, count in tally.not_accepted.items():
            total.not_accepted[reason] = total.not_accepted.get(reason, 0) + count
        for field in tally.checks:
            total.checks[field] += tally.checks[field]
            total.agreed[field] += tally.agreed[field]
        total.disagreements.extend(tally.disagreements)
        total.parser_errors.extend(tally.parser_errors)
    total.disagreements.sort(key=lambda item: (item['file'], item['where']))
    total.parser_errors.sort(key=lambda item: (item['file'], item['line']))
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--strongswan-tests', metavar='DIR', help="strongSwan's testing/tests folder")
    parser.add_argument('--libreswan-tests', metavar='DIR', help="Libreswan's testing/pluto folder")
    parser.add_argument('--libreswan-root', metavar='DIR',
                        help='folder that holds testing/baseconfigs (absolute includes resolve under it); '
                             'default: two levels above --libreswan-tests')
    parser.add_argument('--work-dir', metavar='DIR', default='/var/tmp/ipsec-doctor-conformance',
                        help='where the strongSwan corpus is copied with its host placeholders replaced')
    parser.add_argument('--limit', type=int, default=None, help='at most N files of each kind')
    parser.add_argument('--jobs', type=int, default=2, help='parallel strongSwan sandboxes')
    parser.add_argument('--show', type=int, default=40, help='disagreements listed per corpus')
    parser.add_argument('--min-agreement', type=float, default=None,
                        help='exit 1 when a corpus agrees on less than this per cent of its checks')
    args = parser.parse_args(argv)
    tallies = []
    if args.strongswan_tests:
        tallies.extend(run_strongswan(args.strongswan_tests, args.work_dir, args.limit, max(1, args.jobs)))
    if args.libreswan_tests:
        root = args.libreswan_root or os.path.dirname(os.path.dirname(os.path.abspath(args.libreswan_tests)))
        tallies.append(libreswan_corpus.run(args.libreswan_tests, root, args.limit))
    if not tallies:
        parser.error('give --strongswan-tests and/or --libreswan-tests')
    failed = False
    for tally in tallies:
        print('\n'.join(tally.report(args.show)))
        overall = tally.overall()
        print('overall: %s' % ('-' if overall is None else '%.1f%%' % overall))
        print()
        if args.min_agreement is not None and (overall is None or overall < args.min_agreement):
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
