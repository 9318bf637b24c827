# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Running host tools read-only: a timeout, bounded output, and "tool missing" as a gap, not a failure."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import subprocess
import tempfile

DEFAULT_TIMEOUT = 5.0
MAX_OUTPUT_BYTES = 8 * 1024 * 1024

# Non-root users often lack the sbin directories in PATH, where most of these tools live.
SEARCH_DIRS = ('/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin')


class CommandError(Exception):
    """A tool could not be run or did not finish."""


class ToolMissing(CommandError):
    """The tool is not installed (not found in PATH or the sbin directories)."""

    def __init__(self, tool):
        super(ToolMissing, self).__init__('%s not found' % tool)
        self.tool = tool


class CommandResult:
    """What a finished command returned; stdout is text, or bytes when asked for binary output."""

    def __init__(self, argv, rc, stdout, stderr, truncated=False):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.truncated = truncated

    @property
    def ok(self):
        """True when the command exited with status 0."""
        return self.rc == 0

    def first_error_line(self):
        """Return the first non-empty line of stderr (or stdout), for an error message."""
        for text in (self.stderr, self.stdout):
            if isinstance(text, bytes):
                text = text.decode('utf-8', errors='replace')
            for line in (text or '').splitlines():
                if line.strip():
                    return line.strip()[:300]
        return 'exit status %s' % self.rc


class CommandRunner:
    """Runs host tools with a C locale, no stdin unless given, a timeout and an output bound."""

    def __init__(self, timeout=DEFAULT_TIMEOUT, max_output=MAX_OUTPUT_BYTES):
        self.timeout = timeout
        self.max_output = max_output

    def which(self, tool):
        """Return the path of tool, or None."""
        if os.path.isabs(tool):
            return tool if os.access(tool, os.X_OK) else None
        dirs = [d for d in os.environ.get('PATH', '').split(os.pathsep) if d]
        for directory in dirs + [d for d in SEARCH_DIRS if d not in dirs]:
            candidate = os.path.join(directory, tool)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
        return None

    def run(self, argv, binary=False, stdin_data=None, timeout=None):
        """Run argv and return a CommandResult.

        Raises ToolMissing when argv[0] is not installed and CommandError when it cannot
        be started or does not finish in time. stdin_data (bytes) is passed on stdin and
        never kept or logged.
        """
        path = self.which(argv[0])
        if path is None:
            raise ToolMissing(argv[0])
        env = dict(os.environ, LC_ALL='C', LANG='C')
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                process = subprocess.Popen([path] + list(argv[1:]), stdout=out, stderr=err, env=env,
                                           stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                                           close_fds=True)
            except OSError as exc:
                raise CommandError('%s: %s' % (argv[0], exc.strerror or exc))
            try:
                process.communicate(input=stdin_data, timeout=timeout or self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise CommandError('%s did not finish within %.0f s' % (argv[0], timeout or self.timeout))
            out.seek(0)
            stdout = out.read(self.max_output + 1)
            err.seek(0)
            stderr = err.read(65536).decode('utf-8', errors='replace')
        truncated = len(stdout) > self.max_output
        stdout = stdout[:self.max_output]
        if not binary:
            stdout = stdout.decode('utf-8', errors='replace')
        return CommandResult(argv, process.returncode, stdout, stderr, truncated)
