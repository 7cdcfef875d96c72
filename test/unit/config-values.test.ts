import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnmatchRegExp, globPaths } from '../../src/config/glob';
import { dirname, expandUser, joinPath, normalizePath, resolvePath } from '../../src/config/paths';
import * as v from '../../src/config/values';
import { fakeDeps } from '../helpers/config-fs';

describe('value types (datatypes.py)', () => {
  const table: [string, (t: string) => unknown, string, unknown][] = [
    ['integer', v.parseInteger, ' 42 ', 42],
    ['integer', v.parseInteger, '1_000', 1000],
    ['integer', v.parseInteger, '-7', -7],
    ['integer', v.parseInteger, '+7', 7],
    ['octal', v.parseOctal, '022', 0o22],
    ['octal', v.parseOctal, '0o755', 0o755],
    ['octal', v.parseOctal, '777', 0o777],
    ['bytes', v.parseByteSize, '50MB', 52428800],
    ['bytes', v.parseByteSize, '1gb', 1073741824],
    ['bytes', v.parseByteSize, '10Kb', 10240],
    ['bytes', v.parseByteSize, '0', 0],
    ['boolean', v.parseBoolean, 'On', true],
    ['boolean', v.parseBoolean, '0', false],
    ['signal', v.parseSignal, 'hup', { name: 'SIGHUP', number: 1 }],
    ['signal', v.parseSignal, 'SIGUSR2', { name: 'SIGUSR2', number: 12 }],
    ['signal', v.parseSignal, '9', { name: 'SIGKILL', number: 9 }],
    ['signal', v.parseSignal, 'iot', { name: 'SIGABRT', number: 6 }],
    ['inet', v.parseInetAddress, 'LocalHost:9001', { host: 'localhost', port: 9001 }],
    ['inet', v.parseInetAddress, '*:80', { host: '', port: 80 }],
    ['list', v.parseList, 'a, b ,c', ['a', 'b', 'c']],
    ['name', v.checkName, ' web ', 'web'],
    ['loglevel', v.parseLogLevel, 'WARN', 'warn'],
    ['seconds', v.parseSeconds, '0.5', 0.5],
  ];
  for (const [kind, parse, text, expected] of table) {
    it(`${kind} ${JSON.stringify(text)}`, () => assert.deepEqual(parse(text), expected));
  }
  const refused: [string, (t: string) => unknown, string][] = [
    ['integer', v.parseInteger, '1.5'],
    ['integer', v.parseInteger, '1__0'],
    ['integer', v.parseInteger, ''],
    ['octal', v.parseOctal, '8'],
    ['bytes', v.parseByteSize, 'MB'],
    ['bytes', v.parseByteSize, '5TB'],
    ['boolean', v.parseBoolean, 'yep'],
    ['signal', v.parseSignal, 'SIGFOO'],
    ['signal', v.parseSignal, '0'],
    ['signal', v.parseSignal, 'RTMIN'],
    ['inet', v.parseInetAddress, 'host:0'],
    ['name', v.checkName, 'a/b'],
    ['name', v.checkName, ''],
    ['loglevel', v.parseLogLevel, 'warning'],
    ['seconds', v.parseSeconds, '-1'],
  ];
  for (const [kind, parse, text] of refused) {
    it(`${kind} refuses ${JSON.stringify(text)}`, () => assert.throws(() => parse(text), v.ValueProblem));
  }
});

describe('paths (os.path)', () => {
  for (const [fn, args, expected] of [
    ['dirname', ['/a/b/c.log'], '/a/b'],
    ['dirname', ['c.log'], ''],
    ['dirname', ['/c.log'], '/'],
    ['dirname', ['a//b'], 'a'],
    ['join', ['/etc', 'conf.d/*.conf'], '/etc/conf.d/*.conf'],
    ['join', ['/etc', '/abs/*.conf'], '/abs/*.conf'],
    ['join', ['', 'etc', 'x'], 'etc/x'],
    ['normalize', ['/a/./b/../c//d/'], '/a/c/d'],
    ['normalize', ['/../x'], '/x'],
    ['normalize', ['../x/..'], '..'],
    ['resolve', ['/work', 'logs/x.log'], '/work/logs/x.log'],
  ] as const) {
    it(`${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`, () => {
      const f = { dirname, join: joinPath, normalize: normalizePath, resolve: resolvePath }[fn] as (...a: string[]) => string;
      assert.equal(f(...args), expected);
    });
  }
  const homes = (name: string) => (name === 'bob' ? '/home/bob/' : undefined);
  for (const [path, expected] of [
    ['~/x', '/root/x'],
    ['~bob/x', '/home/bob/x'],
    ['~ghost/x', '~ghost/x'],
    ['x/~', 'x/~'],
    ['~', '/root'],
  ]) {
    it(`expandUser(${path})`, () => assert.equal(expandUser(path, '/root', homes), expected));
  }
});

describe('glob (glob.glob over a listing)', () => {
  const fs = fakeDeps({
    files: {
      '/etc/sv/conf.d/a.conf': '',
      '/etc/sv/conf.d/b.conf': '',
      '/etc/sv/conf.d/.hidden.conf': '',
      '/etc/sv/conf.d/c.ini': '',
      '/etc/sv/other.d/z.conf': '',
      '/etc/sv/plain.conf': '',
    },
  });
  for (const [pattern, expected] of [
    ['/etc/sv/conf.d/*.conf', ['/etc/sv/conf.d/a.conf', '/etc/sv/conf.d/b.conf']],
    ['/etc/sv/conf.d/.*.conf', ['/etc/sv/conf.d/.hidden.conf']],
    ['/etc/sv/conf.d/[!a].conf', ['/etc/sv/conf.d/b.conf']],
    ['/etc/sv/conf.d/?.*', ['/etc/sv/conf.d/a.conf', '/etc/sv/conf.d/b.conf', '/etc/sv/conf.d/c.ini']],
    ['/etc/sv/*.d/*.conf', ['/etc/sv/conf.d/a.conf', '/etc/sv/conf.d/b.conf', '/etc/sv/other.d/z.conf']],
    ['/etc/sv/plain.conf', ['/etc/sv/plain.conf']],
    ['/etc/sv/none.conf', []],
    ['/nonexistent/*.conf', []],
  ] as const) {
    it(pattern, () => assert.deepEqual(globPaths(pattern, fs), expected));
  }
  for (const [pattern, name, matches] of [
    ['[a-c]x', 'bx', true],
    ['[]]x', ']x', true],
    ['[x', '[x', true],
    ['a.b', 'axb', false],
    ['*', '', true],
  ] as const) {
    it(`fnmatch ${pattern} ${name}`, () => assert.equal(fnmatchRegExp(pattern).test(name), matches));
  }
});
