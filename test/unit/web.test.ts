import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planTcpListeners } from '../../src/app/supervisor/listeners';
import { supervisorFiles } from '../../src/app/supervisor/load';
import { loadConfig } from '../../src/config';
import { isCrossSite, isLoopbackHostHeader } from '../../src/control/http-origin';
import { parseActionPath } from '../../src/control/web/actions';
import { createEventHub } from '../../src/control/web/events';
import { createSessions, isSameOrigin, readCookie, SESSION_COOKIE } from '../../src/control/web/session';
import { takeSnapshot } from '../../src/control/web/snapshot';
import { ProcessStates } from '../../src/model/supervisor-states';
import { fakeDeps } from '../helpers/config-fs';
import { FakeSupervisor } from '../helpers/fake-supervisor';

function config(text: string) {
  return loadConfig('/etc/t.conf', fakeDeps({ files: { '/etc/t.conf': `${text}\n[program:p]\ncommand=/bin/cat\n` } })).config;
}

describe('web: sessions and the CSRF token', () => {
  it('reads one cookie from a Cookie header', () => {
    const table: Array<[string | undefined, string | null]> = [
      [undefined, null],
      ['', null],
      [`${SESSION_COOKIE}=abc`, 'abc'],
      [`a=1; ${SESSION_COOKIE}=abc; b=2`, 'abc'],
      [`x${SESSION_COOKIE}=abc`, null],
    ];
    for (const [header, want] of table) assert.equal(readCookie(header, SESSION_COOKIE), want, String(header));
  });

  it('issues a session once, and accepts its token only with its cookie', () => {
    const sessions = createSessions(Buffer.alloc(32, 1));
    const first = sessions.open({});
    assert.ok(first.setCookie?.includes('HttpOnly') && first.setCookie.includes('SameSite=Strict'));
    const cookie = first.setCookie!.split(';')[0];
    assert.deepEqual(sessions.open({ cookie }), { token: first.token, setCookie: null });
    assert.equal(sessions.verify({ cookie, 'x-tdaemon-token': first.token }), true);
    assert.equal(sessions.verify({ cookie, 'x-tdaemon-token': first.token.replace(/^./, (c) => (c === '0' ? '1' : '0')) }), false);
    assert.equal(sessions.verify({ 'x-tdaemon-token': first.token }), false);
    assert.equal(sessions.verify({ cookie }), false);
    const other = sessions.open({}).setCookie!.split(';')[0];
    assert.equal(sessions.verify({ cookie: other, 'x-tdaemon-token': first.token }), false);
    // Another supervisor (another secret) does not accept it either.
    assert.equal(createSessions(Buffer.alloc(32, 2)).verify({ cookie, 'x-tdaemon-token': first.token }), false);
  });

  it('accepts only requests from the page’s own origin', () => {
    const table: Array<[Record<string, string>, boolean]> = [
      [{ host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001' }, true],
      [{ host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'same-origin' }, true],
      [{ host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'cross-site' }, false],
      [{ host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'same-site' }, false],
      [{ host: '127.0.0.1:9001', origin: 'http://evil.example' }, false],
      [{ host: '127.0.0.1:9001', origin: 'null' }, false],
      [{ host: '127.0.0.1:9001' }, false],
      [{ origin: 'http://127.0.0.1:9001' }, false],
    ];
    for (const [headers, want] of table) assert.equal(isSameOrigin(headers), want, JSON.stringify(headers));
  });
});

describe('web: browsers as attackers', () => {
  it('tells a cross-site request', () => {
    const table: Array<[Record<string, string>, boolean]> = [
      [{ host: '127.0.0.1:9001' }, false], // supervisorctl, scripts
      [{ host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001' }, false],
      [{ host: '127.0.0.1:9001', origin: 'http://evil.example' }, true],
      [{ host: '127.0.0.1:9001', origin: 'null' }, true],
      [{ host: '127.0.0.1:9001', 'sec-fetch-site': 'cross-site' }, true],
      [{ host: '127.0.0.1:9001', 'sec-fetch-site': 'same-site' }, true],
      [{ host: '127.0.0.1:9001', 'sec-fetch-site': 'none' }, false],
    ];
    for (const [headers, want] of table) assert.equal(isCrossSite(headers), want, JSON.stringify(headers));
  });

  it('tells a loopback Host header', () => {
    const table: Array<[string | undefined, boolean]> = [
      [undefined, true],
      ['localhost', true],
      ['localhost:9001', true],
      ['127.0.0.1:9001', true],
      ['127.1.2.3', true],
      ['[::1]:9001', true],
      ['evil.example:9001', false],
      ['localhost.evil.example', false],
      ['127.0.0.1.evil.example', false],
      ['10.0.0.1:9001', false],
    ];
    for (const [host, want] of table) assert.equal(isLoopbackHostHeader(host), want, String(host));
  });
});

describe('web: actions', () => {
  it('parses /action/VERB[/NAME] and nothing else', () => {
    const table: Array<[string, ReturnType<typeof parseActionPath>]> = [
      ['/action/stop/web', { verb: 'stop', namespec: 'web' }],
      ['/action/restart/g%3Aweb_00', { verb: 'restart', namespec: 'g:web_00' }],
      ['/action/clear/x?y=1', { verb: 'clear', namespec: 'x' }],
      ['/action/stopall', { verb: 'stopall', namespec: null }],
      ['/action/stop', null],
      ['/action/stopall/web', null],
      ['/action/shutdown', null],
      ['/action/stop/a/b', null],
      ['/action/stop/%zz', null],
    ];
    for (const [url, want] of table) assert.deepEqual(parseActionPath(url), want, url);
  });
});

describe('web: listeners and the verbs’ server URL', () => {
  it('plans TCP listeners and refuses an open one without a password', () => {
    assert.deepEqual(
      planTcpListeners(config('[inet_http_server]\nport=127.0.0.1:9001')).map((l) => [l.host, l.port, l.credentials]),
      [['127.0.0.1', 9001, undefined]],
    );
    const open = config('[inet_http_server]\nport=9002\nusername=u\npassword={SHA}ab');
    assert.deepEqual(planTcpListeners(open).map((l) => [l.host, l.port, l.credentials]), [['0.0.0.0', 9002, { username: 'u', password: '{SHA}ab' }]]);
    for (const port of ['9003', '*:9003', '0.0.0.0:9003', '192.0.2.1:9003']) {
      assert.throws(() => planTcpListeners(config(`[inet_http_server]\nport=${port}`)), /reachable from other machines/);
    }
  });

  it('connects where [supervisorctl] serverurl says, the socket otherwise', () => {
    const socket = '/run/s.sock';
    const head = `[unix_http_server]\nfile=${socket}\n`;
    assert.equal(supervisorFiles(config(head)).serverUrl, `unix://${socket}`);
    assert.equal(supervisorFiles(config(`${head}[supervisorctl]\nserverurl=http://127.0.0.1:9001`)).serverUrl, 'http://127.0.0.1:9001');
    assert.equal(supervisorFiles(config(`${head}[supervisorctl]\nserverurl=unix:///tmp/x.sock`)).serverUrl, 'unix:///tmp/x.sock');
    // supervisorctl's default URL, with nothing listening there: the socket.
    assert.equal(supervisorFiles(config(`${head}[supervisorctl]\n`)).serverUrl, `unix://${socket}`);
    assert.equal(supervisorFiles(config(`${head}[inet_http_server]\nport=127.0.0.1:9001\n[supervisorctl]\n`)).serverUrl, 'http://localhost:9001');
  });
});

describe('web: the snapshot and its feed', () => {
  const programs = () =>
    new FakeSupervisor(
      [
        { group: 'g', name: 'a', state: ProcessStates.RUNNING, pid: 4242, start: 100 },
        { group: 'b', name: 'b', state: ProcessStates.STOPPED },
      ],
      () => 160,
    );

  it('lists every process with its state, pid, start, restarts and memory', async () => {
    const snap = await takeSnapshot(programs(), () => 160, (pid) => pid * 1024);
    assert.equal(snap.identification, 'supervisor');
    assert.deepEqual(
      snap.processes.map((p) => [p.namespec, p.statename, p.description, p.pid, p.start, p.restarts, p.rssBytes]),
      [
        ['b', 'STOPPED', 'Not started', 0, 0, 0, 0],
        ['g:a', 'RUNNING', 'pid 4242, uptime 0:01:00', 4242, 100, 0, 4242 * 1024],
      ],
    );
  });

  it('pushes the snapshot at once, then again on a change; caps its clients', async () => {
    const { PassThrough } = await import('node:stream');
    const fake = programs();
    let listener: () => void = () => {};
    Object.assign(fake, { watch: (fn: () => void) => ((listener = fn), () => (listener = () => {})) });
    const hub = createEventHub({ backend: fake, now: () => 160, maxClients: 1, onError: (e) => assert.fail(String(e)) });
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const res = Object.assign(out, { writeHead: () => res, flushHeaders: () => {} });
    const req = Object.assign(new PassThrough(), { resume: () => req, socket: { setKeepAlive: () => {} } });
    assert.equal(hub.serve(req as never, res as never), true);
    assert.equal(hub.serve(req as never, res as never), false, 'a second client is over the cap of 1');
    const events = () => text.split('\n\n').filter((e) => e.startsWith('data: '));
    const deadline = Date.now() + 5000;
    while (events().length < 1 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.equal(events().length, 1);
    await fake.stopProcess('g:a', true);
    listener();
    while (events().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.match(events()[1], /"namespec":"g:a","name":"a","group":"g","statename":"STOPPED"/);
    hub.close();
  });
});
