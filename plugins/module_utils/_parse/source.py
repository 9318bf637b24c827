# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""File access for the parsers, so they stay pure and testable.

Parsers never open files themselves: they ask a reader. On a host the reader is
`FileSystemReader`; in tests it is `MemoryReader` over a dict of path -> text.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
import glob
import os

# Bounds that keep a hostile or broken config from exhausting the host.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_INCLUDE_DEPTH = 10


def read_bounded_text(path):
    """Return the text of a file on this machine (undecodable bytes replaced).

    Raises OSError when it cannot be read or is larger than MAX_FILE_BYTES.
    """
    with open(path, 'rb') as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError('file larger than %d bytes' % MAX_FILE_BYTES)
    return data.decode('utf-8', errors='replace')


class FileSystemReader:
    """Reads the real file system, with a size bound."""

    def read(self, path):
        """Return the text of path; raise OSError when it cannot be read."""
        return read_bounded_text(path)

    def glob(self, pattern):
        """Return the sorted paths that match pattern."""
        return sorted(glob.glob(pattern))

    def exists(self, path):
        """Return True when path exists."""
        return os.path.exists(path)


class MemoryReader:
    """Serves files from a dict of absolute path -> text (or bytes); for tests and benchmarks."""

    def __init__(self, files):
        self.files = dict(files)

    def read(self, path):
        """Return the text of path; raise OSError like the file system would."""
        if path not in self.files:
            raise OSError(2, 'No such file or directory', path)
        data = self.files[path]
        if isinstance(data, bytes):
            return data.decode('utf-8', errors='replace')
        return data

    def glob(self, pattern):
        """Return the sorted paths that match pattern."""
        return sorted(path for path in self.files if fnmatch.fnmatch(path, pattern))

    def exists(self, path):
        """Return True when path is known."""
        return path in self.files or any(name.startswith(path.rstrip('/') + '/') for name in self.files)


def resolve_include(pattern, including_file):
    """Return the absolute glob pattern of an include, relative to the including file."""
    if os.path.isabs(pattern):
        return pattern
    return os.path.join(os.path.dirname(including_file), pattern)


def cannot_read(exc):
    """Return the error message for a file a reader could not read: the system's reason, never file content."""
    return 'cannot read file: %s' % (getattr(exc, 'strerror', None) or exc)


def read_source(reader, path, files, error):
    """Return the text of path and add path to the list files (once).

    A file that cannot be read or decoded is a stated gap: error(path, None, reason) is
    called and None returned.
    """
    try:
        text = reader.read(path)
    except (OSError, IOError) as exc:
        error(path, None, cannot_read(exc))
        return None
    except (UnicodeError, ValueError) as exc:
        error(path, None, 'cannot decode file: %s' % exc.__class__.__name__)
        return None
    if path not in files:
        files.append(path)
    return text
