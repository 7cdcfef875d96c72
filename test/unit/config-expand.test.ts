import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandPercent, ExpansionProblem, type ExpansionNames } from '../../src/config/expand';
import { parseKeyValuePairs, ShlexError, splitCommand } from '../../src/config/shlex';

const NAMES: ExpansionNames = {
  program_name: 'server',
  group_name: 'server',
  host_node_name: 'vm',
  here: '/etc/supervisor/conf.d',
  process_num: 5,
  numprocs: 1,
  neg: -3,
  big: 255,
  ENV_HOME: '/root',
  quote: "a'b",
  accent: 'é\n',
};

// Each expected text was printed by CPython 3.11's `format % dict`.
const PYTHON_FORMATS: [string, string][] = [
  ['%(program_name)s_%(process_num)02d', 'server_05'],
  ['%%', '%'],
  ['100%% sure', '100% sure'],
  ['%%(literal)s and %(ENV_HOME)s', '%(literal)s and /root'],
  ['%(here)s/%(program_name)s.log', '/etc/supervisor/conf.d/server.log'],
  ['%(process_num)5.3d', '  005'],
  ['%(process_num)05.3d', '00005'],
  ['%(process_num)-05d|', '5    |'],
  ['%(process_num)+d', '+5'],
  ['%(process_num) d', ' 5'],
  ['%(neg)05d', '-0003'],
  ['%(big)#06x', '0x00ff'],
  ['%(big)x %(big)X %(big)#X %(big)o', 'ff FF 0XFF 377'],
  ['%(process_num)#o', '0o5'],
  ['%(process_num)e', '5.000000e+00'],
  ['%(process_num)g %(process_num)#g', '5 5.00000'],
  ['%(process_num).2f|%(process_num)10.4f', '5.00|    5.0000'],
  ['%(neg)010.3f', '-00003.000'],
  ['%(big)c', 'ÿ'],
  ['%(program_name)09s', '   server'],
  ['%(program_name).3s', 'ser'],
  ['%(program_name)-8s|', 'server  |'],
  ['%(program_name)r %(quote)r', `'server' "a'b"`],
  ['%(accent)r %(accent)a', "'é\\n' '\\xe9\\n'"],
  ['%(program_name)10r', "  'server'"],
  ['%(process_num)ld %(process_num)i %(process_num)u', '5 5 5'],
  ['%(program_name).s|', '|'],
];

describe('expandPercent: Python % semantics', () => {
  for (const [format, expected] of PYTHON_FORMATS) {
    it(format, () => assert.equal(expandPercent(format, NAMES), expected));
  }
  it('nests parentheses in a name as Python does', () => {
    assert.equal(expandPercent('%(a(b))s', { 'a(b)': 2 }), '2');
  });
});

function problem(text: string): ExpansionProblem {
  try {
    expandPercent(text, NAMES);
  } catch (error) {
    assert.ok(error instanceof ExpansionProblem);
    return error;
  }
  assert.fail(`${text} expanded`);
}

describe('expandPercent: errors', () => {
  // supervisord: `date +%s` pastes the whole expansion dict (captures 09); `50%`
  // is "incomplete format" (10); `%t` is "unsupported format character" (#980).
  for (const [text, code, pattern] of [
    ['/bin/date +%s', 'EPERCENT', /bare '%' at column 12 \('%s'\): write %% for a literal/],
    ['/bin/echo 50%', 'EPERCENT', /bare '%' at the end: write %%/],
    ['100% sure', 'EPERCENT', /column 4/],
    ['-Xloggc:%t_%p', 'EPERCENT', /'%t'/],
    ['%(program_name', 'EPERCENT', /never closed/],
    ['%(program_name)', 'ECONVERSION', /no conversion: write %\(program_name\)s/],
    ['%(program_name)z', 'ECONVERSION', /unknown conversion 'z'/],
    ['%(program_name)%', 'ECONVERSION', /unknown conversion '%'/],
    ['%(process_num)*d', 'ECONVERSION', /'\*'/],
    ['%(program_name)d', 'ECONVERSION', /a real number is required, not str/],
    ['%(program_name)x', 'ECONVERSION', /an integer is required, not str/],
    ['%(program_name)f', 'ECONVERSION', /must be real number, not str/],
    ['%(program_name)c', 'ECONVERSION', /%c requires int or char/],
    ['/bin/echo %(ENV_NOPE_NOT_SET)s', 'EEXPAND', /unknown name 'ENV_NOPE_NOT_SET'.*known: .*group_name.*program_name.*ENV_X/],
  ] as const) {
    it(text, () => {
      const error = problem(text);
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
    });
  }

  it('does not list the environment among the known names', () => {
    assert.doesNotMatch(problem('%(nope)s').message, /ENV_HOME|\/root/);
  });
});

describe('splitCommand: shlex.split, as CPython splits', () => {
  for (const [command, argv] of [
    ['/bin/echo hello world', ['/bin/echo', 'hello', 'world']],
    ["bash -c 'sleep 1 ; echo done'", ['bash', '-c', 'sleep 1 ; echo done']],
    ['a"b c"d', ['ab cd']],
    ["''", ['']],
    ['x "" y', ['x', '', 'y']],
    ['a\\ b', ['a b']],
    ['"a\\"b"', ['a"b']],
    ['"a\\nb"', ['a\\nb']],
    ["'a\\nb'", ['a\\nb']],
    ['tab\tsep  many', ['tab', 'sep', 'many']],
    ['"\\\\"', ['\\']],
    ['#notcomment x', ['#notcomment', 'x']],
    ['', []],
  ] as const) {
    it(JSON.stringify(command), () => assert.deepEqual(splitCommand(command), argv));
  }
  for (const [command, message] of [
    ["bash -c 'x", 'No closing quotation'],
    ['x\\', 'No escaped character'],
  ]) {
    it(`${JSON.stringify(command)} fails: ${message}`, () => assert.throws(() => splitCommand(command), (e) => e instanceof ShlexError && e.message === message));
  }
});

describe('parseKeyValuePairs: environment=, as supervisor reads it', () => {
  // captures/config-validation/environment-parsing.txt, plus CPython shlex for the rest.
  for (const [text, pairs, ignored] of [
    ['A="foo@bar"', { A: 'foo@bar' }, []],
    ['A=1,B=2', { A: '1', B: '2' }, []],
    ['A="x,y",B=z', { A: 'x,y', B: 'z' }, []],
    ['A=a b', { A: 'a' }, ['b']],
    ['A="x=y"', { A: 'x=y' }, []],
    ['A=v1, B=v2', { A: 'v1', B: 'v2' }, []],
    ['HOME="/tmp",X="g-0"', { HOME: '/tmp', X: 'g-0' }, []],
    ['A=x#y,B=2', { A: 'x' }, []],
    ['A="a\\"b"', { A: 'a"b' }, []],
    ["A='s q'", { A: 's q' }, []],
    ['A=é', { A: 'é' }, []],
    ['A=""', { A: '' }, []],
    ['A=1,\nB=2', { A: '1', B: '2' }, []],
    ['', {}, []],
  ] as const) {
    it(JSON.stringify(text), () => assert.deepEqual(parseKeyValuePairs(text), { pairs, ignored }));
  }
  for (const text of ['A=foo@bar', 'A=x=y', 'A', 'A=1,B']) {
    it(`${JSON.stringify(text)} fails as in supervisor`, () => {
      assert.throws(() => parseKeyValuePairs(text), /Unexpected end of key\/value pairs/);
    });
  }
});
