# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_reader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.settings import (
    MAX_ERRORS,
    MAX_INHERITED_ENTRIES,
    MAX_NESTING,
    get_entry,
    get_section,
    is_section,
    iter_keys,
    iter_sections,
    parse_settings,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH, MemoryReader


NOTE = 'strongSwan stops at the first syntax error and loads nothing from %s and its includes'


def parse_text(text, extra=None):
    files = {'/etc/test.conf': text}
    files.update(extra or {})
    return parse_settings('/etc/test.conf', MemoryReader(files))


def value(tree, dotted):
    entry = get_entry(tree, dotted)
    return entry['value'] if entry else None


def test_fixture_tree_with_includes_and_references():
    parsed = parse_settings('/etc/swanctl/swanctl.conf', fixture_reader('gw-a'))
    assert parsed['errors'] == []
    assert parsed['files'] == ['/etc/swanctl/swanctl.conf', '/etc/swanctl/conf.d/gw-gw.conf',
                               '/etc/swanctl/conf.d/roadwarrior.conf']
    tree = parsed['tree']
    assert [name for name, _node in iter_sections(tree['connections'])] == ['site-defaults', 'gw-gw', 'rw']
    gw = get_section(tree, 'connections.gw-gw')
    assert gw['__src__'] == '/etc/swanctl/conf.d/gw-gw.conf:3'
    assert gw['__refs__'] == ['connections.site-defaults']
    # Inherited keys keep the origin where they were written.
    assert get_entry(tree, 'connections.gw-gw.version') == {'value': '2', 'src': '/etc/swanctl/swanctl.conf:8'}
    assert get_entry(tree, 'connections.gw-gw.local.id') == {'value': '@a.lab', 'src': '/etc/swanctl/swanctl.conf:14'}
    assert value(tree, 'connections.gw-gw.remote.id') == 'b.lab'
    assert value(tree, 'secrets.ike-gw.secret') == 'correct horse # battery }'
    assert value(tree, 'pools.rw-v4.dns') == '10.3.0.1, 10.3.0.2'
    assert value(tree, 'connections.rw.local.id') == 'C=CH, O=Lab, CN=gw-a.lab'


def test_include_lands_in_the_enclosing_section():
    parsed = parse_settings('/etc/strongswan.conf', fixture_reader('gw-a'))
    assert parsed['errors'] == []
    tree = parsed['tree']
    assert value(tree, 'charon.plugins.openssl.load') == 'yes'
    assert get_entry(tree, 'charon.plugins.kernel-libipsec.load')['src'] == \
        '/etc/strongswan.d/charon/kernel-libipsec.conf:8'
    assert value(tree, 'charon-systemd.port') == '5000'
    assert value(tree, 'charon.filelog.charon.time_format') == '%b %e %T'


def test_later_definitions_extend_sections_and_replace_values():
    parsed = parse_text('a {\n  x = 1\n  y = 2\n}\na {\n  x = 3\n  z = 4\n}\n')
    tree = parsed['tree']
    assert get_entry(tree, 'a.x') == {'value': '3', 'src': '/etc/test.conf:6'}
    assert value(tree, 'a.y') == '2'
    assert value(tree, 'a.z') == '4'
    assert get_section(tree, 'a')['__src__'] == '/etc/test.conf:1'


def test_included_file_replaces_values_of_the_including_file():
    parsed = parse_text('a {\n  x = 1\n  include inc/*.conf\n  y = 5\n}\n',
                        {'/etc/inc/1.conf': 'x = 2\nb { c = d }\n'})
    tree = parsed['tree']
    assert get_entry(tree, 'a.x') == {'value': '2', 'src': '/etc/inc/1.conf:1'}
    assert value(tree, 'a.b.c') == 'd'
    assert value(tree, 'a.y') == '5'


def test_values():
    text = ('plain = some value with spaces   # comment\n'
            'braced { inner = closed by brace }\n'
            'quoted = "has # and } and \\"escapes\\"\\n"\n'
            'multi = "line one\nline two"\n'
            'empty =\n'
            'equals = a=b=c\n'
            'after = x\n')
    parsed = parse_text(text)
    assert parsed['errors'] == []
    tree = parsed['tree']
    assert value(tree, 'plain') == 'some value with spaces'
    assert value(tree, 'braced.inner') == 'closed by brace'
    assert value(tree, 'quoted') == 'has # and } and "escapes"\n'
    assert value(tree, 'multi') == 'line one\nline two'
    assert value(tree, 'empty') == ''
    assert value(tree, 'equals') == 'a=b=c'
    assert get_entry(tree, 'after')['src'] == '/etc/test.conf:8'


def test_newlines_between_header_tokens_are_allowed():
    # strongSwan's lexer eats newlines between tokens; only a value ends at one.
    parsed = parse_text('conn\n{\n  a = 1\n}\nref : conn,\n  other\n{\n}\nother {\n}\nkey\n = v\n')
    assert parsed['errors'] == []
    assert get_section(parsed['tree'], 'ref')['__refs__'] == ['conn', 'other']
    assert value(parsed['tree'], 'ref.a') == '1'
    assert value(parsed['tree'], 'key') == 'v'


def test_dotted_names_are_a_syntax_error():
    # swanctl 5.9.8: "syntax error, unexpected ., expecting : or '{' or '='", then nothing is loaded.
    parsed = parse_text('charon {\n  filelog {\n    /var/log/charon.log {\n      default = 1\n    }\n  }\n}\n')
    assert parsed['errors'] == [
        {'file': '/etc/test.conf', 'line': 3, 'severity': 'error',
         'message': "name '/var/log/charon.log' contains '.', a syntax error since strongSwan 5.7"},
        {'file': '/etc/test.conf', 'line': 3, 'severity': 'error', 'message': NOTE % '/etc/test.conf'},
    ]


def test_value_words_are_joined_by_single_spaces():
    parsed = parse_text('a = one   two\t three\nb = pre "quoted  part" post\nc = "joined \\\nline" \n'
                        'd = "\\q\\\\\\t"\n')
    assert parsed['errors'] == []
    tree = parsed['tree']
    assert value(tree, 'a') == 'one two three'
    assert value(tree, 'b') == 'pre quoted  part post'
    assert value(tree, 'c') == 'joined line'
    assert get_entry(tree, 'd') == {'value': 'q\\\t', 'src': '/etc/test.conf:5'}


def test_include_pattern_ends_at_blank_brace_or_comment():
    parsed = parse_text('plugins { include inc/*.conf }\nafter { include "inc/x y.conf"# comment\n}\n',
                        {'/etc/inc/a.conf': 'a { load = yes }\n', '/etc/inc/x y.conf': 'quoted = 1\n'})
    assert parsed['errors'] == []
    assert value(parsed['tree'], 'plugins.a.load') == 'yes'
    assert value(parsed['tree'], 'after.quoted') == '1'
    parsed = parse_text('include = not an include\n')
    assert parsed['errors'] == []
    assert value(parsed['tree'], 'include') == 'not an include'


def test_reference_precedence_own_then_first_reference():
    text = ('base1 { a = 1\n b = 1\n sub { k = base1 }\n}\n'
            'base2 { a = 2\n b = 2\n c = 2\n sub { k = base2\n l = base2 }\n}\n'
            'child : base1, base2 {\n a = own\n}\n')
    tree = parse_text(text)['tree']
    assert value(tree, 'child.a') == 'own'
    assert value(tree, 'child.b') == '1'
    assert value(tree, 'child.c') == '2'
    assert value(tree, 'child.sub.k') == 'base1'
    assert value(tree, 'child.sub.l') == 'base2'


def test_references_resolve_transitively():
    tree = parse_text('a { x = 1 }\nb : a { y = 2 }\nc : b { z = 3 }\n')['tree']
    assert [value(tree, 'c.' + key) for key in 'xyz'] == ['1', '2', '3']


def test_unknown_and_cyclic_references_are_errors():
    parsed = parse_text('a : missing { x = 1 }\nb : c { }\nc : b { }\n')
    messages = [error['message'] for error in parsed['errors']]
    assert "section 'a' references unknown section 'missing'" in messages
    assert any('cycle' in message for message in messages)
    assert value(parsed['tree'], 'a.x') == '1'


def test_self_include_is_an_error_not_recursion():
    parsed = parse_settings('/etc/a.conf', MemoryReader({'/etc/a.conf': 'x = 1\ninclude a.conf\n'}))
    assert parsed['errors'] == [{'file': '/etc/a.conf', 'line': 2, 'severity': 'error',
                                 'message': 'include cycle: /etc/a.conf -> /etc/a.conf'},
                                {'file': '/etc/a.conf', 'line': 2, 'severity': 'error',
                                 'message': NOTE % '/etc/a.conf'}]
    assert value(parsed['tree'], 'x') == '1'


def test_include_cycle_across_files():
    files = {'/etc/a.conf': 'include b.conf\n', '/etc/b.conf': 'include a.conf\n'}
    parsed = parse_settings('/etc/a.conf', MemoryReader(files))
    assert [(e['file'], e['line'], e['message']) for e in parsed['errors']] == [
        ('/etc/b.conf', 1, 'include cycle: /etc/a.conf -> /etc/b.conf -> /etc/a.conf'),
        ('/etc/b.conf', 1, NOTE % '/etc/a.conf')]


def test_include_depth_is_bounded():
    files = dict(('/etc/d%d.conf' % level, 'include d%d.conf\nk%d = v\n' % (level + 1, level))
                 for level in range(MAX_INCLUDE_DEPTH + 5))
    parsed = parse_settings('/etc/d0.conf', MemoryReader(files))
    assert len(parsed['errors']) == 2
    assert 'nested deeper than %d' % MAX_INCLUDE_DEPTH in parsed['errors'][0]['message']
    assert parsed['errors'][1]['message'] == NOTE % '/etc/d0.conf'
    assert len(parsed['files']) == MAX_INCLUDE_DEPTH + 1


def test_missing_include_and_unreadable_file():
    parsed = parse_text('include nothere.conf\ninclude none/*.conf\n')
    assert parsed['errors'] == [{'file': '/etc/test.conf', 'line': 1, 'severity': 'warning',
                                 'message': 'included file not found: /etc/nothere.conf'}]
    parsed = parse_settings('/etc/absent.conf', MemoryReader({}))
    assert parsed['files'] == []
    assert parsed['errors'][0]['file'] == '/etc/absent.conf'
    assert parsed['errors'][0]['message'].startswith('cannot read file')
    assert parsed['errors'][0]['severity'] == 'warning'


def test_syntax_errors_have_file_and_line():
    text = 'a {\n  good = 1\n  stray words here\n  }\n}\nb {\n  c = "unterminated\n'
    parsed = parse_text(text)
    errors = [(error['line'], error['message']) for error in parsed['errors']]
    assert (3, "expected '=' or '{' after 'stray'") in errors
    assert (5, "unexpected '}'") in errors
    assert (7, "unterminated quoted value for 'c'") in errors
    assert (6, "missing '}' for section 'b'") in errors
    assert value(parsed['tree'], 'a.good') == '1'


def test_key_and_section_name_clash():
    parsed = parse_text('a = 1\na { b = 2 }\na = 3\n')
    assert value(parsed['tree'], 'a.b') == '2'
    assert [error['severity'] for error in parsed['errors']] == ['warning', 'warning']


def test_iterators_skip_metadata():
    tree = parse_text('s : t { k = v\n sub { } }\nt { }\n')['tree']
    section = get_section(tree, 's')
    assert [name for name, _entry in iter_keys(section)] == ['k']
    assert [name for name, _node in iter_sections(section)] == ['sub']
    assert is_section(section) and not is_section(section['k'])
    assert get_section(tree, 's.k') is None
    assert get_entry(tree, 's.sub') is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab =:{},#"\\\n\t.xinclude*/')), max_size=200))
def test_grammar_soup_never_raises(text):
    parsed = parse_text(text)
    assert_error_entries(parsed['errors'])
    assert all(isinstance(error['line'], int) for error in parsed['errors'])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data):
    parsed = parse_settings('/etc/test.conf', MemoryReader({'/etc/test.conf': data}))
    assert parsed['files'] == ['/etc/test.conf']


def test_hostile_nesting_and_reference_chains_are_bounded():
    deep = 'a {\n' * 5000 + 'k = v\n' + '}\n' * 5000 + 'after = 1\n'
    parsed = parse_text(deep)
    assert value(parsed['tree'], 'after') == '1'
    assert [e['message'] for e in parsed['errors'] if 'nested deeper' in e['message']] == [
        "sections nested deeper than %d levels; 'a' is skipped" % MAX_NESTING]
    chain = ''.join('s%d : s%d { k%d = v }\n' % (index, index + 1, index) for index in range(3000)) + 's3000 { }\n'
    parsed = parse_text(chain)
    assert any('chained deeper' in e['message'] for e in parsed['errors'])


def test_error_list_is_bounded():
    parsed = parse_text('}\n' * (MAX_ERRORS + 50))
    assert len(parsed['errors']) == MAX_ERRORS + 2
    assert parsed['errors'][-2]['message'] == 'more than %d errors; the rest are not listed' % MAX_ERRORS
    assert parsed['errors'][-1] == {'file': '/etc/test.conf', 'line': 1, 'severity': 'error',
                                    'message': NOTE % '/etc/test.conf'}


def test_inheritance_copies_are_bounded():
    base = 's0 {\n' + ''.join('k%d = v\n' % index for index in range(5000)) + '}\n'
    chain = ''.join('s%d : s%d { }\n' % (index + 1, index) for index in range(60))
    parsed = parse_text(base + chain)
    assert value(parsed['tree'], 's1.k4999') == 'v'
    assert any('copy more than %d entries' % MAX_INHERITED_ENTRIES in e['message'] for e in parsed['errors'])
