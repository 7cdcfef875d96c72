/**
 * The control server over real sockets: protocol errors answered the way
 * supervisor's medusa answers them, limits, /logtail, authentication, the
 * socket file, and the client. Hostile requests never stop it serving.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { errorBody } from '../../src/control/http-errors';
import { RpcFault } from '../../src/control/protocol';
import { createRpcClient, RpcTransportError } from '../../src/control/rpc-client';
import { openLogtail } from '../helpers/logtail';
import { startRpcServer, type RpcServerOptions } from '../../src/control/rpc-server';
import { encodeMethodCall } from '../../src/control/xmlrpc';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FakeSupervisor } from '../helpers/fake-supervisor';
import { waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SUPERVISORCTL = ['/usr/bin/supervisorctl', '/usr/local/bin/supervisorctl'].find((file) => fs.existsSync(file));

async function serve(t: TestContext, options: Partial<RpcServerOptions> = {}, transitionMs = 10) {
  const dir = makeTempDir(t, 'tdaemon-rpc-');
  const log = path.join(dir, 'server.log');
  fs.writeFileSync(log, 'hello from the log\n');
  const fake = new FakeSupervisor(
    [
      { group: 'server', name: 'server_00', state: ProcessStates.RUNNING, pid: 4242, start: 1, stdoutLogfile: log },
      { group: 'web', name: 'web_1', state: ProcessStates.STOPPED },
    ],
    () => Date.now() / 1000,
    transitionMs,
  );
  const socketPath = path.join(dir, 'supervisor.sock');
  const server = await startRpcServer({ backend: fake, socketPath, followIntervalMs: 20, ...options });
  t.after(() => server.close());
  return { dir, log, fake, socketPath, server };
}

/** Sends DATA on a fresh connection and collects everything until the server closes it (or the deadline). */
function exchange(socketPath: string, data: string | Buffer, deadlineMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, deadlineMs);
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.write(data);
  });
}

function post(body: string, extra = ''): string {
  return `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nConnection: close\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const GET_STATE = encodeMethodCall('supervisor.getState', []);

async function stillServes(socketPath: string): Promise<void> {
  const client = createRpcClient({ serverUrl: `unix://${socketPath}` });
  try {
    assert.deepEqual({ ...((await client.call('supervisor.getState')) as object) }, { statecode: 1, statename: 'RUNNING' });
  } finally {
    client.close();
  }
}

describe('control server: protocol errors as supervisor answers them', () => {
  it('answers a good call with text/xml and keeps the connection for the next', async (t) => {
    const { socketPath } = await serve(t);
    const { text } = await exchange(socketPath, post(GET_STATE));
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\nContent-Type: text\/xml\r\n/);
    assert.ok(text.endsWith("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n"));
  });

  const bad: Array<[string, string, number]> = [
    ['malformed XML', post('<methodCall><methodName>x'), 400],
    ['an entity-expansion document', post('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><methodCall><methodName>&b;</methodName></methodCall>'), 400],
    ['a GET of /RPC2', 'GET /RPC2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 400],
    ['an unknown path', 'GET /nonexistent HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 404],
    ['a body without Content-Length', `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, 411],
    ['a body over the limit', post(`<methodCall><methodName>a.b</methodName><params><param><value>${'x'.repeat(2 * 1024 * 1024)}</value></param></params></methodCall>`), 413],
    ['/logtail of a path', 'GET /logtail/../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 404],
    ['/logtail of an encoded path', 'GET /logtail/..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 404],
    ['/logtail of an unknown process', 'GET /logtail/nosuch/stdout HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 404],
    ['/logtail of a channel without a log', 'GET /logtail/server:server_00/stderr HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 404],
    ['a POST to /logtail', 'POST /logtail/server:server_00 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 400],
  ];
  for (const [what, request, status] of bad) {
    it(`answers ${what} with ${status}, then keeps serving`, async (t) => {
      const { socketPath } = await serve(t);
      const { text } = await exchange(socketPath, request);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `));
      if (status !== 413 && status !== 411) assert.ok(text.endsWith(errorBody(status)), text);
      await stillServes(socketPath);
    });
  }

  it('answers a fault with 200 and supervisor fault text', async (t) => {
    const { socketPath } = await serve(t);
    const client = createRpcClient({ serverUrl: `unix://${socketPath}` });
    t.after(() => client.close());
    await assert.rejects(client.call('supervisor.startProcess', ['nosuch']), (e: RpcFault) => e instanceof RpcFault && e.code === 10 && e.text === 'BAD_NAME: nosuch');
    await assert.rejects(client.call('supervisor.noSuchMethod'), (e: RpcFault) => e.code === 1);
  });
});

describe('control server: limits', () => {
  it('closes a connection whose headers do not arrive in time', async (t) => {
    const { socketPath } = await serve(t, { limits: { headersTimeoutMs: 300 } });
    const started = Date.now();
    const { closed } = await exchange(socketPath, 'POST /RPC2 HTTP/1.1\r\nHo', 5000);
    assert.ok(closed, 'closed by the server');
    assert.ok(Date.now() - started < 3000);
    await stillServes(socketPath);
  });

  it('closes a connection whose body trickles in too slowly', async (t) => {
    const { socketPath } = await serve(t, { limits: { requestTimeoutMs: 300 } });
    const { closed } = await exchange(socketPath, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<method', 5000);
    assert.ok(closed);
  });

  it('does not cut an answer that waits longer than the request deadline (start waits for RUNNING)', async (t) => {
    const { socketPath, fake } = await serve(t, { limits: { requestTimeoutMs: 200, headersTimeoutMs: 200 } }, 600);
    const client = createRpcClient({ serverUrl: `unix://${socketPath}` });
    t.after(() => client.close());
    assert.equal(await client.call('supervisor.startProcess', ['web:web_1']), true);
    assert.equal(fake.processes.get('web:web_1')!.state, ProcessStates.RUNNING);
  });

  it('caps concurrent /logtail streams (503 beyond), and streams appended lines', async (t) => {
    const { socketPath, log } = await serve(t, { limits: { maxLogtailStreams: 1 } });
    const socket = net.connect(socketPath);
    t.after(() => socket.destroy());
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    // supervisorctl's own request: unencoded ':', an empty Host, and one CRLF too many.
    socket.write('GET /logtail/server:server_00/stdout HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\nAccept: */*\r\nUser-agent: Supervisor HTTP Client\r\n\r\n\r\n');
    await waitFor(() => text.includes('hello from the log\n'), 'the first chunk');
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\nTransfer-Encoding: chunked\r\n/i);
    assert.match(text, /\r\nContent-Type: text\/plain;charset=utf-8\r\n/);
    assert.match(text, /\r\nX-Accel-Buffering: no\r\n/);
    const second = await exchange(socketPath, 'GET /logtail/server%3Aserver_00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.match(second.text, /^HTTP\/1\.1 503 /);
    fs.appendFileSync(log, 'appended\n');
    await waitFor(() => text.includes('appended\n'), 'the appended line');
    fs.truncateSync(log, 0);
    await waitFor(() => text.includes('==> File truncated <==\n'), 'the truncation notice');
  });

  it('the client follows a log through /logtail', async (t) => {
    const { socketPath, log } = await serve(t);
    let text = '';
    const stream = await openLogtail({ serverUrl: `unix://${socketPath}` }, 'server:server_00', 'stdout', (chunk) => (text += chunk.toString('utf8')));
    t.after(() => stream.close());
    await waitFor(() => text === 'hello from the log\n', 'the first chunk');
    fs.appendFileSync(log, 'more\n');
    await waitFor(() => text.endsWith('more\n'), 'the appended line');
    stream.close();
    await stream.ended;
    await assert.rejects(openLogtail({ serverUrl: `unix://${socketPath}` }, 'nosuch', 'stdout', () => {}), (e: RpcTransportError) => e.status === 404);
  });

  it('refuses connections beyond the cap', async (t) => {
    const { socketPath } = await serve(t, { limits: { maxConnections: 2 } });
    const open = [net.connect(socketPath), net.connect(socketPath)];
    t.after(() => open.forEach((s) => s.destroy()));
    await Promise.all(open.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    const third = await exchange(socketPath, post(GET_STATE), 3000);
    assert.ok(third.closed);
    assert.equal(third.text, '');
    open.forEach((s) => s.destroy());
    await waitFor(async () => {
      try {
        await stillServes(socketPath);
        return true;
      } catch {
        return false;
      }
    }, 'service after the others left');
  });
});

describe('control server: authentication', () => {
  const sha = createHash('sha1').update('secret').digest('hex');
  const basic = (user: string, password: string) => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n`;

  for (const stored of ['secret', `{SHA}${sha}`]) {
    it(`with the password stored as ${stored.startsWith('{SHA}') ? '{SHA}' : 'plain text'}`, async (t) => {
      const { socketPath } = await serve(t, { credentials: { username: 'admin', password: stored } });
      for (const header of ['', basic('admin', 'wrong'), basic('nobody', 'secret'), 'Authorization: Digest x\r\n']) {
        const { text } = await exchange(socketPath, post(GET_STATE, header));
        assert.match(text, /^HTTP\/1\.1 401 Unauthorized\r\n/);
        assert.match(text, /\r\nWWW-Authenticate: Basic realm="default"\r\n/);
        assert.match(text, /\r\nConnection: close\r\n/);
        assert.ok(text.endsWith(errorBody(401)));
      }
      const ok = await exchange(socketPath, post(GET_STATE, basic('admin', 'secret')));
      assert.match(ok.text, /^HTTP\/1\.1 200 OK\r\n/);
      const logtail = await exchange(socketPath, 'GET /logtail/server:server_00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(logtail.text, /^HTTP\/1\.1 401 /, '/logtail needs the password too');
    });
  }

  it('the real supervisorctl: without a password, then with it', { skip: SUPERVISORCTL ? false : 'supervisorctl is not installed' }, async (t) => {
    const { socketPath } = await serve(t, { credentials: { username: 'admin', password: `{SHA}${sha}` } });
    const refused = await run(SUPERVISORCTL!, ['-s', `unix://${socketPath}`, 'status'], { timeoutMs: 60000 });
    assert.equal(refused.stdout.split('\n')[0], 'Server requires authentication');
    assert.match(refused.stdout, /401 Unauthorized/);
    assert.equal(refused.code, 1);
    const allowed = await run(SUPERVISORCTL!, ['-s', `unix://${socketPath}`, '-u', 'admin', '-p', 'secret', 'status', 'server:server_00'], { timeoutMs: 60000 });
    assert.match(allowed.stdout, /^server:server_00 {17}RUNNING {3}pid 4242, uptime /);
    assert.equal(allowed.code, 0);
  });

  it('the client sends credentials', async (t) => {
    const { socketPath } = await serve(t, { credentials: { username: 'admin', password: 'secret' } });
    const good = createRpcClient({ serverUrl: `unix://${socketPath}`, username: 'admin', password: 'secret' });
    const bad = createRpcClient({ serverUrl: `unix://${socketPath}`, username: 'admin', password: 'nope' });
    t.after(() => (good.close(), bad.close()));
    assert.equal(await good.call('supervisor.getAPIVersion'), '3.0');
    await assert.rejects(bad.call('supervisor.getAPIVersion'), (e: RpcTransportError) => e.kind === 'http-status' && e.status === 401);
  });
});

describe('control server: the socket file', () => {
  it('takes its mode from chmod, and is removed on close', async (t) => {
    const { socketPath, server } = await serve(t, { chmod: 0o660 });
    assert.equal(fs.statSync(socketPath).mode & 0o777, 0o660);
    assert.ok(fs.statSync(socketPath).isSocket());
    await server.close();
    assert.equal(fs.existsSync(socketPath), false);
  });

  it('takes its owner from chown', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
    const { socketPath } = await serve(t, { chown: { uid: 65534, gid: 65534 } });
    assert.deepEqual([fs.statSync(socketPath).uid, fs.statSync(socketPath).gid], [65534, 65534]);
  });

  it('a failing handler costs one 500, not the server', async (t) => {
    const { socketPath } = await serve(t, {
      fallback: () => {
        throw new Error('boom');
      },
      onError: () => {},
    });
    const { text } = await exchange(socketPath, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 500 /);
    await stillServes(socketPath);
  });

  it('replaces a stale socket, refuses a live one', async (t) => {
    const { socketPath, fake } = await serve(t);
    await assert.rejects(startRpcServer({ backend: fake, socketPath }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
    await stillServes(socketPath);
    const stale = path.join(path.dirname(socketPath), 'stale.sock');
    const dead = net.createServer().listen(stale);
    await new Promise((resolve) => dead.once('listening', resolve));
    // Close without removing the file: what a SIGKILLed server leaves behind.
    fs.linkSync(stale, `${stale}.keep`);
    await new Promise((resolve) => dead.close(resolve));
    fs.renameSync(`${stale}.keep`, stale);
    const again = await startRpcServer({ backend: fake, socketPath: stale });
    t.after(() => again.close());
    await stillServes(stale);
  });

  it('the client names a missing socket as supervisorctl does', async () => {
    const client = createRpcClient({ serverUrl: 'unix:///nonexistent/tdaemon.sock' });
    await assert.rejects(client.call('supervisor.getVersion'), (e: RpcTransportError) => e.kind === 'no-such-file' && e.message === 'unix:///nonexistent/tdaemon.sock no such file');
    client.close();
  });
});

describe('control server: TCP', () => {
  it('serves the same RPC on TCP; the real supervisorctl with -u/-p; the client over http://', async (t) => {
    const { fake } = await serve(t);
    const tcp = await startRpcServer({ backend: fake, tcp: { host: '127.0.0.1', port: 0 }, credentials: { username: 'admin', password: 'secret' } });
    t.after(() => tcp.close());
    const url = `http://127.0.0.1:${tcp.tcpPort}`;
    const client = createRpcClient({ serverUrl: url, username: 'admin', password: 'secret' });
    t.after(() => client.close());
    assert.equal(await client.call('supervisor.getAPIVersion'), '3.0');
    if (SUPERVISORCTL) {
      const result = await run(SUPERVISORCTL, ['-s', url, '-u', 'admin', '-p', 'secret', 'status', 'server:server_00'], { timeoutMs: 60000 });
      assert.match(result.stdout, /^server:server_00 {17}RUNNING {3}pid 4242, uptime /);
      const refused = await run(SUPERVISORCTL, ['-s', url, '-u', 'admin', '-p', 'wrong', 'status'], { timeoutMs: 60000 });
      assert.equal(refused.stdout.split('\n')[0], 'Server requires authentication');
    }
  });

  it('refuses a non-loopback address without credentials', async (t) => {
    const { fake } = await serve(t);
    await assert.rejects(startRpcServer({ backend: fake, tcp: { host: '0.0.0.0', port: 0 } }), (e: NodeJS.ErrnoException) => e.code === 'EINSECURE' && /without a username and password/.test(e.message));
  });
});
