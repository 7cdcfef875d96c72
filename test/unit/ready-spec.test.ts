import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DaemonError } from '../../src/model/errors';
import { formatReadySpec, parseReadySpec, type ReadySpec } from '../../src/model/ready-spec';
import { parseListeners } from '../../src/os/ready-check';

describe('parseReadySpec reads --ready', () => {
  // [text, spec]
  const good: Array<[string, ReadySpec]> = [
    ['tcp:8080', { kind: 'tcp', host: '127.0.0.1', port: 8080 }],
    ['tcp:localhost:6379', { kind: 'tcp', host: 'localhost', port: 6379 }],
    ['tcp:10.0.0.5:1', { kind: 'tcp', host: '10.0.0.5', port: 1 }],
    ['tcp:[::1]:65535', { kind: 'tcp', host: '::1', port: 65535 }],
    ['tcp:[fe80::1%eth0]:80', { kind: 'tcp', host: 'fe80::1%eth0', port: 80 }],
    ['file:/run/app.sock', { kind: 'file', path: '/run/app.sock' }],
    ['file:ready', { kind: 'file', path: 'ready' }],
    ['file:a:b', { kind: 'file', path: 'a:b' }],
    ['log:Ready to accept', { kind: 'log', pattern: 'Ready to accept' }],
    ['log:^listening on (\\d+):x$', { kind: 'log', pattern: '^listening on (\\d+):x$' }],
  ];
  for (const [text, spec] of good) {
    it(text, () => assert.deepEqual(parseReadySpec(text), spec));
  }

  // [text, message]
  const bad: Array<[string, string]> = [
    ['', "--ready takes tcp:[HOST:]PORT, file:PATH or log:REGEX, not ''"],
    ['8080', "--ready takes tcp:[HOST:]PORT, file:PATH or log:REGEX, not '8080'"],
    ['http://localhost', "--ready takes tcp:[HOST:]PORT, file:PATH or log:REGEX, not 'http://localhost'"],
    ['TCP:80', "--ready takes tcp:[HOST:]PORT, file:PATH or log:REGEX, not 'TCP:80'"],
    ['tcp:', "--ready tcp: needs a port 1-65535, not 'tcp:'"],
    ['tcp:0', "--ready tcp: needs a port 1-65535, not 'tcp:0'"],
    ['tcp:65536', "--ready tcp: needs a port 1-65535, not 'tcp:65536'"],
    ['tcp:http', "--ready tcp: needs a port 1-65535, not 'tcp:http'"],
    ['tcp:host:', "--ready tcp: needs a port 1-65535, not 'tcp:host:'"],
    ['tcp::80', "--ready tcp: takes [HOST:]PORT, an IPv6 address in brackets ([::1]:8080), not 'tcp::80'"],
    ['tcp:::1:80', "--ready tcp: takes [HOST:]PORT, an IPv6 address in brackets ([::1]:8080), not 'tcp:::1:80'"],
    ['tcp:[::1]', "--ready tcp: takes [HOST:]PORT, an IPv6 address in brackets ([::1]:8080), not 'tcp:[::1]'"],
    ['file:', "--ready file: needs a path, not 'file:'"],
    ['log:', "--ready log: needs a regular expression, not 'log:'"],
    ['log:a(', "--ready log: bad regular expression 'a(': Unterminated group"],
    ['log:[z-a]', "--ready log: bad regular expression '[z-a]': Range out of order in character class"],
  ];
  for (const [text, message] of bad) {
    it(`refuses '${text}'`, () => {
      assert.throws(() => parseReadySpec(text), (error: unknown) => {
        assert.ok(error instanceof DaemonError);
        assert.equal(error.code, 'USAGE');
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  it('formats what it parses back to an equivalent spec (the record keeps the text)', () => {
    for (const [text, spec] of good) assert.deepEqual(parseReadySpec(formatReadySpec(spec)), spec, text);
    assert.equal(formatReadySpec(parseReadySpec('tcp:8080')), 'tcp:127.0.0.1:8080');
  });
});

describe('parseListeners reads /proc/net/tcp', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  const line = (local: string, st: string, inode: string): string =>
    `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
  const v4 = header + line('0100007F:1F90', '0A', '111') + line('00000000:1F90', '0A', '112') + line('0100007F:1F90', '01', '113') + line('0100007F:1F91', '0A', '114');
  const v6 = header + line('00000000000000000000000001000000:1F90', '0A', '221');
  // [case, text, port, inodes]
  const table: Array<[string, string, number, string[]]> = [
    ['listeners on 8080, IPv4 loopback and any; an established connection is not one', v4, 8080, ['111', '112']],
    ['another port', v4, 8081, ['114']],
    ['none', v4, 80, []],
    ['IPv6', v6, 8080, ['221']],
    ['the header only', header, 8080, []],
    ['empty', '', 8080, []],
  ];
  for (const [name, text, port, inodes] of table) {
    it(name, () => assert.deepEqual(parseListeners(text, port), inodes));
  }
});
