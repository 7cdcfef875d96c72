/**
 * The supervisor on the network, attacked: every hostile request is
 * answered cleanly, the supervisor keeps serving, and no program is touched
 * (same states, same pids). Then the real supervisorctl over TCP and the
 * socket, with and without the right credentials. Loopback only.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRpcServer } from '../../src/control/rpc-server';
import { createWebFace } from '../../src/control/web';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FakeSupervisor } from '../helpers/fake-supervisor';
import { TDAEMON } from '../helpers/paths';
import { run } from '../helpers/run';
import { SUPERVISORCTL } from '../helpers/supervisorctl';
import { freePort, PASSWORD, USER, WebSupervisor } from '../helpers/web-supervisor';

const SOCKET_USER = 'sockuser';
const SOCKET_PASSWORD = 'sock-Pa55';
const SOCKET_SHA = createHash('sha1').update(SOCKET_PASSWORD).digest('hex');

describe('the supervisor under hostile input', () => {
  const afters: Array<() => void | Promise<void>> = [];
  let s: WebSupervisor;
  let before_: Map<string, [string, number]>;

  before(async () => {
    s = await WebSupervisor.create(
      { after: (fn) => afters.push(fn) },
      { unix: `chmod=0760\nchown=nobody:nogroup\nusername=${SOCKET_USER}\npassword={SHA}${SOCKET_SHA}` },
    );
    await s.up();
    before_ = await s.states();
    assert.equal(before_.get('ticker')?.[0], 'RUNNING');
  });
  after(async () => {
    for (const fn of afters.reverse()) await fn();
  });

  /** Still answering, and every program as it was. */
  async function untouched(): Promise<void> {
    assert.deepEqual(await s.states(), before_);
  }

  const head = (method: string, target: string, extra = ''): string =>
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${s.auth}\r\nConnection: close\r\n${extra}`;

  it('an oversized body: 413, the connection closed', async () => {
    const answer = await s.raw(`${head('POST', '/RPC2')}Content-Type: text/xml\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n${'x'.repeat(65536)}`);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    const chunked = await s.raw(`${head('POST', '/RPC2')}Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n`);
    assert.match(chunked, /^HTTP\/1\.1 411 /);
    await untouched();
  });

  it('malformed XML and an entity-expansion document: 400, quickly', async () => {
    for (const body of ['<methodCall><methodName>x</methodName>', '\u0000\u0001garbage', '<a>'.repeat(10000)]) {
      assert.equal((await s.request('POST', '/RPC2', { body })).status, 400);
    }
    const lol = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE m [${lol}]><methodCall><methodName>&lol9;</methodName><params/></methodCall>`;
    const started = Date.now();
    assert.equal((await s.request('POST', '/RPC2', { body: bomb })).status, 400);
    assert.ok(Date.now() - started < 5000);
    await untouched();
  });

  it('1000 bad logins: each a 401 with WWW-Authenticate; no password in the log', async () => {
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          s.request('POST', '/RPC2', {
            body: '<methodCall><methodName>supervisor.getState</methodName></methodCall>',
            headers: { Authorization: `Basic ${Buffer.from(`${USER}:guess-${batch}-${i}`).toString('base64')}` },
          }),
        ),
      );
      for (const a of answers) {
        statuses.push(a.status);
        assert.equal(a.headers['www-authenticate'], 'Basic realm="default"');
      }
    }
    assert.equal(statuses.length, 1000);
    assert.ok(statuses.every((code) => code === 401));
    await untouched();
    const log = fs.readFileSync(s.logfile, 'utf8');
    assert.ok(!log.includes('guess-') && !log.includes(PASSWORD) && !log.includes(SOCKET_PASSWORD), 'no password in the log');
  });

  it('a client sending one byte a second does not hold the server', async () => {
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => {});
    const request = head('POST', '/RPC2');
    for (let i = 0; i < 3; i++) {
      socket.write(request[i]);
      // Others are served meanwhile, at once.
      const started = Date.now();
      assert.equal((await s.rpc('supervisor.getState')).status, 200);
      assert.ok(Date.now() - started < 5000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    socket.destroy();
    await untouched();
  });

  it('200 parallel connections: each answered or refused, none hangs', async () => {
    const body = '<methodCall><methodName>supervisor.getState</methodName></methodCall>';
    const request = `${head('POST', '/RPC2')}Content-Length: ${body.length}\r\n\r\n${body}`;
    const answers = await Promise.all(Array.from({ length: 200 }, () => s.raw(request, 15000)));
    const served = answers.filter((a) => a.startsWith('HTTP/1.1 200 OK')).length;
    assert.ok(answers.every((a) => a === '' || a.startsWith('HTTP/1.1 200 OK')), 'only answers or closed connections');
    assert.ok(served > 0);
    await untouched();
  });

  it('/logtail for ../../etc/passwd is a 404 and reads nothing', async () => {
    for (const target of ['/logtail/../../etc/passwd', '/logtail/..%2f..%2fetc%2fpasswd', '/logtail/ticker/../../../../etc/passwd', '/logtail/%2fetc%2fpasswd', '/logtail/nosuch']) {
      const answer = await s.raw(`${head('GET', target)}\r\n`);
      assert.match(answer, /^HTTP\/1\.1 404 /, target);
      assert.ok(!answer.includes('root:'), target);
    }
    await untouched();
  });

  it('a cross-site POST, a GET, or a POST without the token does not act', async () => {
    const page = await s.request('GET', '/');
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes(PASSWORD));
    const token = /<meta name="csrf" content="([0-9a-f]{64})">/.exec(page.body)![1];
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const origin = `http://127.0.0.1:${s.port}`;
    const other = await s.request('GET', '/');
    const otherCookie = String(other.headers['set-cookie']).split(';')[0];
    const tries: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/action/stop/idle', { Cookie: cookie }, 405],
      ['POST', '/action/stop/idle', { Cookie: cookie, Origin: origin }, 403], // no token
      ['POST', '/action/stop/idle', { Cookie: cookie, Origin: 'http://evil.example', 'X-Tdaemon-Token': token }, 403],
      ['POST', '/action/stop/idle', { Cookie: cookie, 'X-Tdaemon-Token': token }, 403], // no Origin
      ['POST', '/action/stop/idle', { Cookie: cookie, Origin: origin, 'X-Tdaemon-Token': token, 'Sec-Fetch-Site': 'cross-site' }, 403],
      ['POST', '/action/stop/idle', { Cookie: otherCookie, Origin: origin, 'X-Tdaemon-Token': token }, 403], // another session's token
      ['POST', '/action/stopall', { Origin: origin, 'X-Tdaemon-Token': token }, 403], // no cookie
    ];
    for (const [method, target, headers, status] of tries) {
      assert.equal((await s.request(method, target, { headers: { Host: `127.0.0.1:${s.port}`, ...headers } })).status, status, `${method} ${target} ${JSON.stringify(headers)}`);
    }
    await untouched();
    // The page's own request does act: the guard is not simply closed.
    const good = { Host: `127.0.0.1:${s.port}`, Cookie: cookie, Origin: origin, 'X-Tdaemon-Token': token };
    assert.equal((await s.request('POST', '/action/nosuch/idle', { headers: good })).status, 404);
    assert.equal((await s.request('POST', '/action/stop/nosuch', { headers: good })).status, 404);
    assert.equal((await s.request('POST', '/action/stop/idle', { headers: good })).status, 200);
    assert.equal((await s.states()).get('idle')?.[0], 'STOPPED');
    assert.equal((await s.request('POST', '/action/start/idle', { headers: good })).status, 200);
    const now = await s.states();
    assert.equal(now.get('idle')?.[0], 'RUNNING');
    s.reaper.track(now.get('idle')?.[1]);
    before_ = now;
  });

  it('another site driving a browser: a cross-origin POST to /RPC2 is refused', async () => {
    const body = '<methodCall><methodName>supervisor.stopAllProcesses</methodName><params></params></methodCall>';
    for (const headers of <Array<Record<string, string>>>[
      { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
      { 'Content-Type': 'text/plain', Origin: 'null' },
      { 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'cross-site' },
    ]) {
      assert.equal((await s.request('POST', '/RPC2', { body, headers })).status, 403, JSON.stringify(headers));
    }
    await untouched();
  });

  it('the socket takes chmod= and chown=, asks for its own credentials, and serves the page too', async () => {
    const stat = fs.statSync(s.socket);
    assert.equal(stat.mode & 0o777, 0o760);
    assert.equal(stat.uid, 65534);
    const sockAuth = `Basic ${Buffer.from(`${SOCKET_USER}:${SOCKET_PASSWORD}`).toString('base64')}`;
    assert.equal((await s.request('GET', '/', { socket: true })).status, 401, 'the TCP password is not the socket one');
    const page = await s.request('GET', '/', { socket: true, headers: { Authorization: sockAuth } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>tdaemon<\/title>/);
  });

  it('the real supervisorctl over TCP and the socket, with and without the right credentials', { skip: SUPERVISORCTL ? false : 'supervisorctl is not installed' }, async () => {
    const ctlConf = path.join(s.dir, 'empty-ctl.conf');
    fs.writeFileSync(ctlConf, '[supervisorctl]\n');
    const ctl = (...args: string[]) => run(SUPERVISORCTL!, ['-c', ctlConf, ...args], { timeoutMs: 60000 });
    const url = `http://127.0.0.1:${s.port}`;
    const ok = await ctl('-s', url, '-u', USER, '-p', PASSWORD, 'status');
    assert.match(ok.stdout, /^idle {29}RUNNING {3}pid \d+, uptime /m);
    assert.match(ok.stdout, /^ticker {27}RUNNING {3}pid \d+, uptime /m);
    for (const args of [[], ['-u', USER, '-p', 'wrong'], ['-u', 'root', '-p', PASSWORD]]) {
      const refused = await ctl('-s', url, ...args, 'status');
      assert.equal(refused.stdout.split('\n')[0], 'Server requires authentication', args.join(' '));
      assert.match(refused.stdout, /401 Unauthorized/);
    }
    const viaSocket = await ctl('-s', `unix://${s.socket}`, '-u', SOCKET_USER, '-p', SOCKET_PASSWORD, 'status', 'ticker');
    assert.match(viaSocket.stdout, /^ticker {27}RUNNING/);
    assert.equal((await ctl('-s', `unix://${s.socket}`, 'status')).stdout.split('\n')[0], 'Server requires authentication');
    // tdaemon's own verbs follow [supervisorctl] serverurl=http://... with its username and password.
    const td = await s.td('status', 'ticker');
    assert.match(td.stdout, /^ticker {27}RUNNING/);
    await untouched();
  });
});

describe('the web face in process, with short limits', () => {
  it('closes a client that sends one byte a second, within the header deadline', async (t) => {
    const fake = new FakeSupervisor([{ group: 'a', name: 'a', state: ProcessStates.RUNNING, pid: 4242, start: 1 }], () => Date.now() / 1000);
    const web = createWebFace({ backend: fake });
    const server = await startRpcServer({ backend: fake, tcp: { host: '127.0.0.1', port: 0 }, fallback: web.handle, limits: { headersTimeoutMs: 700 } });
    t.after(async () => (web.close(), await server.close()));
    const socket = net.connect(server.tcpPort!, '127.0.0.1');
    socket.on('error', () => {});
    const started = Date.now();
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const drip = setInterval(() => socket.writable && socket.write('G'), 1000);
    socket.write('G');
    await closed;
    clearInterval(drip);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 500 && elapsed < 5000, `closed after ${elapsed} ms`);
  });
});

describe('a TCP listener without a password', () => {
  it('answers only a loopback Host (a DNS-rebound name is refused)', async (t) => {
    const fake = new FakeSupervisor([{ group: 'a', name: 'a', state: ProcessStates.RUNNING, pid: 4242, start: 1 }], () => Date.now() / 1000);
    const web = createWebFace({ backend: fake });
    const server = await startRpcServer({ backend: fake, tcp: { host: '127.0.0.1', port: 0 }, fallback: web.handle });
    t.after(async () => (web.close(), await server.close()));
    const ask = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(server.tcpPort!, '127.0.0.1');
        let text = '';
        socket.setEncoding('utf8').on('data', (c: string) => (text += c));
        socket.on('close', () => resolve(text)).on('error', () => {});
        socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      });
    for (const host of [`rebind.evil.example:${server.tcpPort}`, 'evil.example', `10.0.0.1:${server.tcpPort}`]) assert.match(await ask(host), /^HTTP\/1\.1 403 /, host);
    for (const host of [`127.0.0.1:${server.tcpPort}`, `localhost:${server.tcpPort}`, '[::1]:9001']) assert.match(await ask(host), /^HTTP\/1\.1 200 /, host);
  });
});

describe('long streams outlive the request deadline', () => {
  it('a /logtail and an /events stream stay open past requestTimeoutMs', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-web-long-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, 'a.log');
    fs.writeFileSync(log, 'first\n');
    const fake = new FakeSupervisor([{ group: 'a', name: 'a', state: ProcessStates.RUNNING, pid: 4242, start: 1, stdoutLogfile: log }], () => Date.now() / 1000);
    const web = createWebFace({ backend: fake });
    const server = await startRpcServer({ backend: fake, tcp: { host: '127.0.0.1', port: 0 }, fallback: web.handle, followIntervalMs: 20, limits: { requestTimeoutMs: 300 } });
    t.after(async () => (web.close(), await server.close()));
    const open = (target: string) => {
      const socket = net.connect(server.tcpPort!, '127.0.0.1');
      const state = { text: '', closed: false };
      socket.setEncoding('utf8').on('data', (c: string) => (state.text += c));
      socket.on('close', () => (state.closed = true)).on('error', () => {});
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      t.after(() => socket.destroy());
      return state;
    };
    const tail = open('/logtail/a');
    const events = open('/events');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    fs.appendFileSync(log, 'second\n');
    const deadline = Date.now() + 5000;
    while (!tail.text.includes('second') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(tail.text.includes('second') && !tail.closed, 'the tail still follows after 4x the request deadline');
    assert.ok(events.text.includes('data: {') && !events.closed, 'the event stream is still open');
  });
});

describe('a listener off loopback without a password', () => {
  for (const port of ['*:PORT', 'PORT', '0.0.0.0:PORT']) {
    it(`port=${port} is refused in one line, status 2, before anything starts`, async (t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-web-refuse-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      const conf = path.join(dir, 'supervisord.conf');
      const number = await freePort();
      fs.writeFileSync(
        conf,
        `[unix_http_server]\nfile=${dir}/s.sock\n[inet_http_server]\nport=${port.replace('PORT', String(number))}\n` +
          `[supervisord]\npidfile=${dir}/s.pid\nlogfile=${dir}/s.log\nchildlogdir=${dir}\n[program:p]\ncommand=/bin/sleep 1000\n`,
      );
      for (const verb of ['supervise', 'up']) {
        const result = await run(TDAEMON, ['-c', conf, verb], { cwd: dir, timeoutMs: 20000 });
        assert.equal(result.code, 2, `${verb}: ${result.stderr}`);
        const lines = result.stderr.split('\n').filter(Boolean);
        assert.equal(lines.length, 1, result.stderr);
        assert.match(lines[0], /\[inet_http_server\] port=.* is reachable from other machines: set username= and password=/);
        assert.deepEqual(fs.readdirSync(dir).sort(), ['supervisord.conf'], 'nothing started, nothing written');
      }
    });
  }
});
