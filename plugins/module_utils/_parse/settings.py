# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The strongswan.conf settings grammar, shared by strongswan.conf and swanctl.conf.

Grammar (strongswan.conf(5) and strongSwan's settings lexer and parser): ``name { ... }``
sections, ``name : ref[, ref]* { ... }`` sections that inherit from other sections (refs
are full dotted paths from the top), ``key = value`` lines
(a value ends at a newline, ``#`` or ``}``; quoted parts may hold anything and span
lines), ``#`` comments and ``include <glob>`` (relative to the including file; the
included settings land in the section that holds the include). A later definition
extends a section and replaces a value.

strongSwan stops at the first syntax error and loads nothing from the file and its
includes (swanctl then unloads every connection); this parser goes on after an error so
that one run reports every problem with its place, and adds one error that says so.

The result tree maps a section name to a dict with ``__src__`` ("file:line" of its
first definition) and, when it references other sections, ``__refs__``; keys map to
``{'value': str, 'src': 'file:line'}``. A node is a section exactly when it has
``__src__``. References are resolved into the tree: keys and subsections of the
referenced sections are copied where the section has none of its own (own settings
win; of several references the first wins).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._model import origin, split_origin
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import MAX_ERRORS, add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import cannot_read, resolve_include

SRC = '__src__'
REFS = '__refs__'

# Bounds that keep hostile input from exhausting the stack or the result size.
MAX_NESTING = 50
MAX_REFERENCE_CHAIN = 100
MAX_INHERITED_ENTRIES = 200000

_TOKEN = re.compile(r'''
    (?P<ws>[ \t\r\f\v]+)
  | (?P<comment>\#[^\n]*)
  | (?P<nl>\n)
  | (?P<string>"(?:\\.|[^"\\])*"?)
  | (?P<punct>[{}:,=])
  | (?P<name>[^\s#{}=,:"]+)
''', re.VERBOSE)
_VALUE_PART = re.compile(r'[^#}"\r\n\t ]+')
_INCLUDE_PART = re.compile(r'[^"\\#}\r\n\t ]+')
_STRING_PART = re.compile(r'[^\\\r"]+')
_ANY_CHAR = re.compile(r'.', re.DOTALL)
_ESCAPES = {'n': '\n', 'r': '\r', 't': '\t'}


def is_section(node):
    """Return True when a tree node is a section (not a key entry)."""
    return isinstance(node, dict) and SRC in node


class _Lexer:
    """Tokens of one file, with line numbers; values and include patterns are read on demand.

    Follows strongSwan's settings lexer: a value is a sequence of unquoted words and
    quoted strings joined by single spaces, ending at a newline, '#' or '}'; quoted
    strings know the escapes \\n, \\r, \\t, a backslash before a line end joins lines,
    and a backslash before any other character stands for that character.
    """

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.line = 1

    def _scan(self):
        text = self.text
        while self.pos < len(text):
            match = _TOKEN.match(text, self.pos)
            if match is None:
                # Only a lone '"' can fail all alternatives; take it as an unterminated string.
                match = _ANY_CHAR.match(text, self.pos)
                self.pos = match.end()
                return ('bad', match.group(0), self.line)
            kind = match.lastgroup
            value = match.group(0)
            start_line = self.line
            self.pos = match.end()
            if kind == 'nl':
                self.line += 1
                return ('nl', value, start_line)
            if kind in ('ws', 'comment'):
                continue
            if kind == 'string':
                self.line += value.count('\n')
            return (kind, value, start_line)
        return ('eof', '', self.line)

    def next(self):
        """Return the next token (kind, text, line)."""
        return self._scan()

    def next_significant(self):
        """Return the next token that is not a newline (strongSwan's lexer eats them between tokens)."""
        token = self._scan()
        while token[0] == 'nl':
            token = self._scan()
        return token

    def _skip_blanks(self):
        text = self.text
        while self.pos < len(text) and text[self.pos] in ' \t\r':
            self.pos += 1

    def _read_string(self):
        """Read a quoted string starting at the opening quote; return its text or None if unterminated."""
        text = self.text
        self.pos += 1
        parts = []
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return ''.join(parts)
            if char == '\r':
                self.pos += 1
            elif char == '\\':
                following = text[self.pos + 1:self.pos + 3]
                if following[:1] == '\n' or following == '\r\n':
                    self.pos += 1 + (2 if following == '\r\n' else 1)
                    self.line += 1
                elif following:
                    parts.append(_ESCAPES.get(following[0], following[0]))
                    self.pos += 2
                else:
                    self.pos += 1
                    return None
            else:
                match = _STRING_PART.match(text, self.pos)
                parts.append(match.group(0))
                self.line += match.group(0).count('\n')
                self.pos = match.end()
        return None

    def read_value(self):
        """Read a value after '='; return (value, problem)."""
        text = self.text
        parts = []
        while True:
            self._skip_blanks()
            if self.pos >= len(text) or text[self.pos] in '\n#}':
                return ' '.join(parts), None
            if text[self.pos] == '"':
                string = self._read_string()
                if string is None:
                    return None, 'unterminated quoted value'
                parts.append(string)
            else:
                match = _VALUE_PART.match(text, self.pos)
                parts.append(match.group(0))
                self.pos = match.end()

    def at_include_argument(self):
        """Return True when 'include' is followed by blanks and something other than '='."""
        text = self.text
        if self.pos >= len(text) or text[self.pos] not in ' \t':
            return False
        rest = text[self.pos:self.pos + 256].lstrip(' \t\r')
        return not rest.startswith('=')

    def read_include_pattern(self):
        """Read an include pattern: a quoted string, or characters up to a blank, '#' or '}' (escapable)."""
        text = self.text
        self._skip_blanks()
        if self.pos < len(text) and text[self.pos] == '"':
            return self._read_string() or ''
        parts = []
        while self.pos < len(text):
            char = text[self.pos]
            if char in '#}\n\t ':
                break
            if char == '\r':
                self.pos += 1
            elif char == '\\':
                following = text[self.pos + 1:self.pos + 2]
                if following and following in '"#} ':
                    parts.append(following)
                    self.pos += 2
                else:
                    parts.append(char)
                    self.pos += 1
            elif char == '"':
                break
            else:
                match = _INCLUDE_PART.match(text, self.pos)
                parts.append(match.group(0))
                self.pos = match.end()
        return ''.join(parts)

    def skip_line(self):
        """Skip to the end of the current line (error recovery)."""
        end = self.text.find('\n', self.pos)
        self.pos = len(self.text) if end < 0 else end


class SettingsParser:
    """Parses a settings file and its includes into one tree; collects errors and the files read."""

    def __init__(self, reader):
        self.reader = reader
        self.tree = {SRC: None}
        self.errors = []
        self.files = []
        self.inherit_budget = [MAX_INHERITED_ENTRIES]
        self.first_syntax_error = None

    def error(self, file, line, message, severity='error'):
        """Record an error at file:line; past MAX_ERRORS only one final note is kept."""
        add_error(self.errors, file, line, message, severity, limit=MAX_ERRORS)

    def syntax_error(self, file, line, message):
        """Record an error that makes strongSwan's parser reject the whole configuration."""
        if self.first_syntax_error is None:
            self.first_syntax_error = (file, line)
        self.error(file, line, message)

    def parse_file(self, path, section, stack):
        """Parse file `path` into `section`; stack is the chain of including files."""
        try:
            text = self.reader.read(path)
        except (OSError, IOError) as exc:
            self.error(path, 0, cannot_read(exc), severity='warning')
            return
        except UnicodeError as exc:
            self.syntax_error(path, 0, 'cannot decode file: %s' % exc)
            return
        if path not in self.files:
            self.files.append(path)
        self._parse_body(_Lexer(text), path, section, list(stack) + [path], None, 0)

    def _include(self, lexer, file, line, section, stack):
        pattern = lexer.read_include_pattern()
        if not pattern:
            self.syntax_error(file, line, 'include without a file name')
            return
        full = os.path.normpath(resolve_include(pattern, file))
        found = follow_include(
            self.reader, full, stack,
            read=lambda path: self.parse_file(path, section, stack),
            refuse=lambda message: self.syntax_error(file, line, message),
            cycle_message=lambda path: 'include cycle: %s' % ' -> '.join(list(stack) + [path]),
            written=pattern)
        if not found:
            self.error(file, line, 'included file not found: %s' % full, severity='warning')

    def _parse_body(self, lexer, file, section, stack, opened, depth):
        """Parse settings until the closing brace of `opened` (name, line) or the end of file."""
        while True:
            kind, text, line = lexer.next()
            if kind == 'eof':
                if opened is not None:
                    self.syntax_error(file, opened[1], "missing '}' for section '%s'" % opened[0])
                return
            if kind == 'nl':
                continue
            if kind == 'punct' and text == '}':
                if opened is not None:
                    return
                self.syntax_error(file, line, "unexpected '}'")
                continue
            if kind != 'name':
                self.syntax_error(file, line, 'unexpected %s' % _describe(kind, text))
                lexer.skip_line()
                continue
            self._statement(lexer, file, line, text, section, stack, depth)

    @staticmethod
    def _skip_section(lexer):
        """Consume tokens up to the brace that closes the current section (or the end of file)."""
        level = 1
        while level:
            kind, text, _line = lexer.next()
            if kind == 'eof':
                return
            if kind == 'punct' and text == '{':
                level += 1
            elif kind == 'punct' and text == '}':
                level -= 1
            elif kind == 'punct' and text == '=':
                lexer.read_value()

    def _statement(self, lexer, file, line, name, section, stack, depth):
        if name == 'include' and lexer.at_include_argument():
            self._include(lexer, file, line, section, stack)
            return
        if '.' in name:
            self.syntax_error(file, line, "name '%s' contains '.', a syntax error since strongSwan 5.7" % name)
        token = lexer.next_significant()
        if token[0] == 'punct' and token[1] == '=':
            value, problem = lexer.read_value()
            if problem:
                self.syntax_error(file, line, "%s for '%s'" % (problem, name))
                return
            self._set_key(section, name, value, file, line)
            return
        refs = []
        if token[0] == 'punct' and token[1] == ':':
            refs, token = self._references(lexer, file, line, name)
            if refs is None:
                return
        if token[0] == 'punct' and token[1] == '{':
            if depth >= MAX_NESTING:
                self.syntax_error(file, line, "sections nested deeper than %d levels; '%s' is skipped" % (MAX_NESTING, name))
                self._skip_section(lexer)
                return
            child = self._section(section, name, file, line)
            for ref in refs:
                if ref not in child.setdefault(REFS, []):
                    child[REFS].append(ref)
            self._parse_body(lexer, file, child, stack, (name, line), depth + 1)
            return
        self.syntax_error(file, line, "expected '=' or '{' after '%s'" % name)
        if token[0] != 'nl':
            lexer.skip_line()

    def _references(self, lexer, file, line, name):
        refs = []
        while True:
            token = lexer.next_significant()
            if token[0] != 'name':
                self.syntax_error(file, line, "expected a section reference after ':' in '%s'" % name)
                if token[0] != 'nl':
                    lexer.skip_line()
                return None, token
            refs.append(token[1])
            token = lexer.next_significant()
            if not (token[0] == 'punct' and token[1] == ','):
                return refs, token

    def _section(self, section, name, file, line):
        node = section.get(name)
        if not is_section(node):
            if node is not None:
                self.error(file, line, "section '%s' replaces a key of the same name" % name, severity='warning')
            node = {SRC: origin(file, line)}
            section[name] = node
        return node

    def _set_key(self, section, name, value, file, line):
        if is_section(section.get(name)):
            self.error(file, line, "key '%s' has the name of a section; the key is ignored" % name,
                       severity='warning')
            return
        section[name] = {'value': value, 'src': origin(file, line)}

    def resolve_references(self):
        """Copy inherited keys and sections into every section that references others."""
        done = set()
        self._resolve(self.tree, [], done, [])

    def _lookup(self, path):
        node = self.tree
        for part in path.split('.'):
            node = node.get(part) if is_section(node) or node is self.tree else None
            if not is_section(node):
                return None
        return node

    def _resolve(self, node, path, done, active):
        key = id(node)
        if key in done:
            return
        if key in active:
            return
        active.append(key)
        for ref in node.get(REFS, []):
            target = self._lookup(ref)
            file, line = split_origin(node.get(SRC))
            if target is None:
                self.error(file, line, "section '%s' references unknown section '%s'" % ('.'.join(path), ref))
                continue
            if id(target) in active:
                self.error(file, line, "section '%s' references '%s' in a cycle" % ('.'.join(path), ref))
                continue
            if len(active) > MAX_REFERENCE_CHAIN:
                self.error(file, line,
                           "section references chained deeper than %d levels at '%s'" % (MAX_REFERENCE_CHAIN, ref))
                continue
            self._resolve(target, ref.split('.'), done, active)
            if not _inherit(node, target, self.inherit_budget):
                self.error(file, line,
                           "section references copy more than %d entries; '%s' is inherited only in part"
                           % (MAX_INHERITED_ENTRIES, ref))
        for name, child in list(node.items()):
            if is_section(child):
                self._resolve(child, path + [name], done, active)
        active.remove(key)
        done.add(key)


def _count_entries(node):
    """Return the number of keys and sections below a node (the cost of copying it)."""
    if not is_section(node):
        return 1
    return 1 + sum(_count_entries(child) for name, child in node.items() if name not in (SRC, REFS))


def _inherit(node, base, budget):
    """Copy what `node` lacks from `base`; sections present in both are merged recursively.

    budget is a one-element list with the number of entries that may still be copied;
    returns False when the budget ran out (the copy is then incomplete).
    """
    for name, value in base.items():
        if name in (SRC, REFS):
            continue
        if name not in node:
            cost = _count_entries(value)
            if cost > budget[0]:
                return False
            budget[0] -= cost
            node[name] = copy.deepcopy(value)
        elif is_section(node[name]) and is_section(value):
            if not _inherit(node[name], value, budget):
                return False
    return True


def _describe(kind, text):
    if kind == 'string':
        return 'quoted string'
    if kind == 'bad':
        return 'character %r' % text
    return "'%s'" % text


def parse_settings(path, reader):
    """Parse a strongswan.conf-syntax file with its includes.

    Returns {'tree': sections and keys (see the module doc), 'errors': [{'file', 'line',
    'message', 'severity'}], 'files': [paths read]}. Never raises on bad input.
    """
    parser = SettingsParser(reader)
    parser.parse_file(path, parser.tree, [])
    parser.resolve_references()
    if parser.first_syntax_error is not None:
        file, line = parser.first_syntax_error
        add_error(parser.errors, file, line,
                  'strongSwan stops at the first syntax error and loads nothing from %s and its includes' % path)
    tree = parser.tree
    tree[SRC] = '%s:0' % path
    return {'tree': tree, 'errors': parser.errors, 'files': parser.files}


def get_section(tree, dotted):
    """Return the section at a dotted path ('charon.plugins'), or None."""
    node = tree
    for part in dotted.split('.'):
        node = node.get(part) if isinstance(node, dict) else None
        if not is_section(node):
            return None
    return node


def get_entry(tree, dotted):
    """Return the key entry {'value', 'src'} at a dotted path ('charon.port'), or None."""
    section_path, _sep, key = dotted.rpartition('.')
    section = get_section(tree, section_path) if section_path else tree
    if section is None:
        return None
    entry = section.get(key)
    if isinstance(entry, dict) and not is_section(entry):
        return entry
    return None


def iter_keys(section):
    """Yield (name, entry) for the keys of a section, in file order."""
    for name, node in section.items():
        if name in (SRC, REFS) or is_section(node):
            continue
        yield name, node


def iter_sections(section):
    """Yield (name, node) for the subsections of a section, in file order."""
    for name, node in section.items():
        if name in (SRC, REFS):
            continue
        if is_section(node):
            yield name, node
