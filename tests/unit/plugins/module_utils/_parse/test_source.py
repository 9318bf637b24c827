# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._parse import source


def test_memory_reader_serves_text_and_bytes():
    reader = source.MemoryReader({'/etc/a.conf': 'a', '/etc/b.conf': b'b\xff'})
    assert reader.read('/etc/a.conf') == 'a'
    assert reader.read('/etc/b.conf') == 'b\ufffd'
    assert reader.glob('/etc/*.conf') == ['/etc/a.conf', '/etc/b.conf']
    assert reader.exists('/etc')
    with pytest.raises(OSError):
        reader.read('/etc/missing.conf')


def test_file_system_reader_bounds_the_size(tmp_path, monkeypatch):
    big = tmp_path / 'big.conf'
    big.write_bytes(b'x' * 11)
    monkeypatch.setattr(source, 'MAX_FILE_BYTES', 10)
    with pytest.raises(OSError, match='larger than'):
        source.FileSystemReader().read(str(big))


def test_file_system_reader_globs_sorted(tmp_path):
    for name in ('b.conf', 'a.conf', 'c.txt'):
        (tmp_path / name).write_text('x')
    found = source.FileSystemReader().glob(str(tmp_path / '*.conf'))
    assert [path.rsplit('/', 1)[-1] for path in found] == ['a.conf', 'b.conf']


@pytest.mark.parametrize('pattern, including, expected', [
    ('conf.d/*.conf', '/etc/swanctl/swanctl.conf', '/etc/swanctl/conf.d/*.conf'),
    ('/etc/ipsec.d/*.conf', '/etc/ipsec.conf', '/etc/ipsec.d/*.conf'),
])
def test_includes_resolve_relative_to_the_including_file(pattern, including, expected):
    assert source.resolve_include(pattern, including) == expected


class _UndecodableReader:
    def read(self, path):
        raise UnicodeDecodeError('utf-8', b'\xff', 0, 1, 'invalid start byte')


def test_read_source_lists_a_file_once_and_states_gaps():
    errors = []
    files = []

    def error(file, line, message):
        errors.append((file, line, message))

    reader = source.MemoryReader({'/etc/a.conf': 'text'})
    assert source.read_source(reader, '/etc/a.conf', files, error) == 'text'
    assert source.read_source(reader, '/etc/a.conf', files, error) == 'text'
    assert files == ['/etc/a.conf']
    assert source.read_source(reader, '/etc/missing.conf', files, error) is None
    assert source.read_source(_UndecodableReader(), '/etc/b.conf', files, error) is None
    assert files == ['/etc/a.conf']
    assert errors == [('/etc/missing.conf', None, 'cannot read file: No such file or directory'),
                      ('/etc/b.conf', None, 'cannot decode file: UnicodeDecodeError')]


def test_cannot_read_gives_the_system_reason():
    assert source.cannot_read(OSError(13, 'Permission denied', '/etc/ipsec.secrets')) == \
        'cannot read file: Permission denied'
    assert source.cannot_read(OSError('file larger than 10 bytes')) == 'cannot read file: file larger than 10 bytes'
