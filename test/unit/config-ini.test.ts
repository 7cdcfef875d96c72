import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors';
import { emptyIniDocument, findCommentStart, parseIniInto } from '../../src/config/ini';

/** What Python's `{s: dict(p.items(s)) for s in p.sections()}` prints. */
function readAsPython(...files: [string, string][]): Record<string, Record<string, string>> {
  const doc = emptyIniDocument();
  for (const [name, text] of files) parseIniInto(doc, text, name);
  const out: Record<string, Record<string, string>> = {};
  for (const [name, section] of doc.sections) {
    out[name] = {};
    for (const [key, entry] of section.entries) out[name][key] = entry.value;
    for (const [key, entry] of doc.defaults) if (!(key in out[name])) out[name][key] = entry.value;
  }
  return out;
}

function parseError(text: string): ConfigError {
  try {
    readAsPython(['/c/x.conf', text]);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a parse error');
}

// captures/ini-parsers/case.ini and ref.json: RawConfigParser(inline_comment_prefixes=(';','#'), strict=False)
const CASE_INI = `; full-line comment
# another full-line comment
[supervisord]
logfile = /tmp/x.log ; inline comment after semicolon
Nodaemon=true

[program:server]
process_name=%(program_name)s_%(process_num)02d
command=/usr/local/go/bin/go run /Users/harryzhang/go/src/server/server.go # 要执行的命令
autostart=true # 系统开机自动启动
user=harryzhang\t# tab before hash
hash_no_space=value#notacomment
semi_no_space=value;notacomment
truncated=bash -c 'foo ; bar'
url=http://example.com/#anchor
colon_delim: value via colon
environment=A="1",
    B="2" ; continuation line with comment
    # indented comment line inside a value
    C="3"
empty=
pct=%%(literal)s and %(ENV_HOME)s
  
[program:server]
priority=5
autostart=false
`;

const CASE_REF = {
  supervisord: { logfile: '/tmp/x.log', nodaemon: 'true' },
  'program:server': {
    process_name: '%(program_name)s_%(process_num)02d',
    command: '/usr/local/go/bin/go run /Users/harryzhang/go/src/server/server.go',
    autostart: 'false',
    user: 'harryzhang',
    hash_no_space: 'value#notacomment',
    semi_no_space: 'value;notacomment',
    truncated: "bash -c 'foo",
    url: 'http://example.com/#anchor',
    colon_delim: 'value via colon',
    environment: 'A="1",\nB="2"\nC="3"',
    empty: '',
    pct: '%%(literal)s and %(ENV_HOME)s',
    priority: '5',
  },
};

describe('INI reader: the captured reference files', () => {
  it('case.ini reads as Python read it (ref.json)', () => {
    assert.deepEqual(readAsPython(['/c/case.ini', CASE_INI]), CASE_REF);
  });
  for (const [name, text, expected] of [
    ['dup.ini', '[a]\nx=1\n[a]\ny=2\n', { a: { x: '1', y: '2' } }],
    ['ws.ini', '[a]\nx=1\n  \ny=2\n', { a: { x: '1', y: '2' } }],
    ['cont.ini', '[a]\nx=1\n  cont\n', { a: { x: '1\ncont' } }],
  ] as const) {
    it(`${name} reads as Python read it`, () => assert.deepEqual(readAsPython(['/c/x', text]), expected));
  }
});

// Each expected value was printed by CPython 3's RawConfigParser with supervisor's arguments.
const PYTHON_CASES: [string, string, Record<string, Record<string, string>>][] = [
  ['the first prefix found per round wins', '[a]\nx = a#b #c ;d\n', { a: { x: 'a#b #c' } }],
  ['a blank line stays inside a value', '[a]\nx=1\n\n  y\n', { a: { x: '1\n\ny' } }],
  ['an indented comment line is dropped from a value', '[a]\nx=1\n  ; comment\n  z\n', { a: { x: '1\nz' } }],
  ['text after ] is ignored', '[a] trailing\nk=v\n', { a: { k: 'v' } }],
  ['the first : or = splits', '[a]\nk:v=w\n', { a: { k: 'v=w' } }],
  ['a later = stays in the value', '[a]\nk=v=w\n', { a: { k: 'v=w' } }],
  ['an indented first key is a key', '[a]\n  k=v\n', { a: { k: 'v' } }],
  ['keys are lowercased, values stripped', '[a]\nKEY = Value \n', { a: { key: 'Value' } }],
  ['[DEFAULT] lends its keys to every section', '[DEFAULT]\nd=1\n[a]\nx=2\n', { a: { d: '1', x: '2' } }],
  ['trailing blank lines are dropped', '[a]\nx=1\n\n\n', { a: { x: '1' } }],
  ['an empty first line is kept', '[a]\nx=\n  first\n  second\n', { a: { x: '\nfirst\nsecond' } }],
  ['an ideographic space before # starts a comment', '[a]\nx=\u3000#wide\n', { a: { x: '' } }],
  ['a tab before ; starts a comment', '[a]\nx=tab\t;c\n', { a: { x: 'tab' } }],
  ['commented-out keys', '[a]\n#x=1\n;y=2\nz=3\n', { a: { z: '3' } }],
  ['CRLF line ends', '[a]\r\nx=1\r\n  y\r\n', { a: { x: '1\ny' } }],
  ['duplicate sections merge, later keys win', '[a:b]\nx=1\n[a:b]\nx=2\ny=3\n', { 'a:b': { x: '2', y: '3' } }],
  ['a continuation after a comment', '[a]\nx=v ;c\n\ty\n', { a: { x: 'v\ny' } }],
  ['a new section ends a value', '[a]\nx=1\n[b]\n  y=2\n', { a: { x: '1' }, b: { y: '2' } }],
  ['an empty value after :', '[a]\nx:   \n', { a: { x: '' } }],
];

describe('INI reader: CPython cases', () => {
  for (const [title, text, expected] of PYTHON_CASES) {
    it(title, () => assert.deepEqual(readAsPython(['/c/x', text]), expected));
  }

  it('duplicate sections merge across files, and a later file wins', () => {
    assert.deepEqual(readAsPython(['/c/main', '[program:w]\ncommand=/bin/cat\n'], ['/c/d/inc', '[program:w]\ncommand=/bin/sleep 5\n']), {
      'program:w': { command: '/bin/sleep 5' },
    });
  });

  it('remembers the file and line of each key', () => {
    const doc = emptyIniDocument();
    parseIniInto(doc, '[a]\nx=1\n', '/c/main');
    parseIniInto(doc, '\n[a]\ny=2\n', '/c/inc');
    const a = doc.sections.get('a')!;
    assert.equal(a.file, '/c/main');
    assert.deepEqual([a.entries.get('x')!.line, a.entries.get('y')!.file, a.entries.get('y')!.line], [2, '/c/inc', 3]);
  });
});

describe('INI reader: parse errors name file and line', () => {
  for (const [title, text, line] of [
    ['a line with no delimiter (captures 16_garbage_line)', '[supervisord]\nlogfile=/tmp/x\n\n[program:w]\ncommand=/bin/cat\nx=1\nthis line has no delimiter\n', 7],
    ['an empty key', '[a]\n=v\n', 2],
    ['a bad line before an indented one', '[a]\nbad\n  x=1\n', 2],
    ['garbage after a value', '[a]\nx=1\ngarbage\n  cont\n', 3],
    ['a key before any section', 'k=v\n', 1],
  ] as const) {
    it(title, () => {
      const error = parseError(text);
      assert.equal(error.code, 'EPARSE');
      assert.equal(error.line, line);
      assert.match(error.toString(), new RegExp(`^/c/x\\.conf:${line}: `));
      assert.doesNotMatch(error.toString(), /\n/);
    });
  }
});

describe('findCommentStart', () => {
  for (const [line, expected] of [
    ['autostart=true # 系统开机自动启动', 15],
    ['url=http://h/#a', null],
    ['value;x', null],
    ['  # whole line', 0],
    ['a ;b #c', 2],
  ] as const) {
    it(JSON.stringify(line), () => assert.equal(findCommentStart(line), expected));
  }
});
