# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read-only file access for the collectors, below a root prefix.

Collectors and parsers speak of host paths (``/etc/swanctl/swanctl.conf``); `HostFiles`
maps them below ``root`` so tests and benchmarks can point a whole collection run at a
fake tree. It also serves as the ``reader`` the parsers expect (read, glob, exists), so
a parser's include resolution sees the same tree.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import grp
import os
import pwd
import stat

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_FILE_BYTES, read_bounded_text

TAIL_BLOCK = 64 * 1024
COUNT_LIMIT = 64 * 1024 * 1024


def _name_of(lookup, number):
    try:
        return lookup(number)[0]
    except (KeyError, OverflowError):
        return str(number)


class HostFiles:
    """Host file system below root; every path argument and result is a host path."""

    def __init__(self, root='/'):
        self.root = os.path.abspath(root)

    def real(self, path):
        """Return where a host path lives on this machine."""
        if self.root == '/':
            return path
        return os.path.join(self.root, path.lstrip('/'))

    def host(self, real_path):
        """Return the host path of a path under root."""
        if self.root == '/':
            return real_path
        relative = os.path.relpath(real_path, self.root)
        return '/' if relative == '.' else '/' + relative

    # -- the parser reader interface ------------------------------------------------------

    def read(self, path):
        """Return the text of path (bounded); raise OSError when it cannot be read."""
        return read_bounded_text(self.real(path))

    def glob(self, pattern):
        """Return the sorted host paths that match pattern."""
        return sorted(self.host(path) for path in glob.glob(self.real(pattern)))

    def exists(self, path):
        """Return True when path exists."""
        return os.path.exists(self.real(path))

    # -- what the collectors need besides -------------------------------------------------

    def read_bytes(self, path, limit=MAX_FILE_BYTES):
        """Return at most limit bytes of path."""
        with open(self.real(path), 'rb') as handle:
            return handle.read(limit)

    def read_text(self, path, default=None):
        """Return the stripped text of a small file, or default when it cannot be read."""
        try:
            return self.read_bytes(path, 65536).decode('utf-8', errors='replace').strip()
        except (OSError, IOError):
            return default

    def isdir(self, path):
        """Return True when path is a directory."""
        return os.path.isdir(self.real(path))

    def isfile(self, path):
        """Return True when path is a regular file (or a link to one)."""
        return os.path.isfile(self.real(path))

    def listdir(self, path):
        """Return the sorted entry names of a directory; raise OSError when it cannot be listed."""
        return sorted(os.listdir(self.real(path)))

    def readlink(self, path):
        """Return the target of a symbolic link, or None."""
        try:
            return os.readlink(self.real(path))
        except (OSError, IOError):
            return None

    def stat(self, path):
        """Return os.stat of path; raise OSError."""
        return os.stat(self.real(path))

    def access(self, path, mode=os.R_OK):
        """Return True when this process may access path in mode."""
        return os.access(self.real(path), mode)

    def meta(self, path):
        """Return {path, mode, owner, group, mtime} of path; raise OSError when it cannot be stat'ed."""
        info = self.stat(path)
        return {
            'path': path,
            'mode': '%04o' % stat.S_IMODE(info.st_mode),
            'owner': _name_of(pwd.getpwuid, info.st_uid),
            'group': _name_of(grp.getgrgid, info.st_gid),
            'mtime': info.st_mtime,
        }

    def tail_lines(self, path, max_lines):
        """Return (number of the first returned line or None, the last max_lines lines) of a text file.

        Reads blocks from the end, never the whole of a large file. The line number is
        counted when the skipped part is at most COUNT_LIMIT bytes, else it is None.
        """
        with open(self.real(path), 'rb') as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            position = end
            data = b''
            while position > 0 and data.count(b'\n') <= max_lines and end - position < MAX_FILE_BYTES:
                step = min(TAIL_BLOCK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
            lines = data.decode('utf-8', errors='replace').splitlines()
            if position > 0 and lines:
                lines = lines[1:]   # the first line is cut in the middle
            kept = lines[-max_lines:] if max_lines > 0 else []
            skipped_in_data = len(lines) - len(kept)
            if position == 0:
                return skipped_in_data + 1, kept
            if position > COUNT_LIMIT:
                return None, kept
            handle.seek(0)
            newlines = 0
            remaining = position
            while remaining > 0:
                block = handle.read(min(TAIL_BLOCK * 16, remaining))
                if not block:
                    break
                newlines += block.count(b'\n')
                remaining -= len(block)
            # The cut line started before position: it is line newlines + 1, so the first kept one is next.
            return newlines + 2 + skipped_in_data, kept
