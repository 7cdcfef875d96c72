/**
 * The control client's own HTTP/1.1 (src/control/http-client.ts) against
 * servers that answer in every way it must read: a scripted server on a unix
 * socket (framings, keep-alive, pipelining, closes, timeouts, limits), and
 * the real supervisord 4.2.5 on a unix socket and on TCP with a password.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ctlStatus } from '../../src/control/ctl-commands';
import { RpcFault } from '../../src/control/protocol';
import { createRpcClient, RpcTransportError, type RpcClient, type RpcClientOptions } from '../../src/control/rpc-client';
import { encodeFault, encodeMethodResponse } from '../../src/control/xmlrpc';
import { isDead, Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { SUPERVISORCTL } from '../helpers/supervisorctl';
import { makeTempDir } from '../helpers/tmp';

interface Request {
  head: string;
  body: string;
  /** Which connection of the server it came on (0, 1...). */
  connection: number;
}

/** What a scripted server does with one request: write bytes, close, or nothing. */
type Answer = (request: Request, socket: net.Socket) => void;
/** Options of the client but its URL. */
type Options = Omit<RpcClientOptions, 'serverUrl'>;

/** A server on a unix socket that answers each request with ANSWER; it records every request. */
async function scriptedServer(t: TestContext, answer: Answer): Promise<{ url: string; requests: Request[]; socketPath: string }> {
  const dir = makeTempDir(t, 'rpc-client-');
  const socketPath = path.join(dir, 's.sock');
  const requests: Request[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const connection = connections++;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = { head, body: buffered.subarray(end + 4, end + 4 + length).toString('utf8'), connection };
        buffered = buffered.subarray(end + 4 + length);
        requests.push(request);
        answer(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `unix://${socketPath}`, requests, socketPath };
}

/** An answer with a Content-Length, as medusa and our server write it. */
function framed(xml: string, extraHeaders = ''): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(xml)}\r\n\r\n${xml}`;
}

/** The method a request calls. */
function methodOf(request: Request): string {
  return /<methodName>([^<]*)<\/methodName>/.exec(request.body)?.[1] ?? '';
}

function client(t: TestContext, options: RpcClientOptions): RpcClient {
  const c = createRpcClient(options);
  t.after(() => c.close());
  return c;
}

function transportError(kind: string, message: string, status?: number): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof RpcTransportError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.kind, kind);
    if (status !== undefined) assert.equal(e.status, status);
    return true;
  };
}

describe('the control client: what it sends, and keep-alive', () => {
  it('sends what Node\'s client sent: POST /RPC2, Host, Content-Length, basic auth; three calls on one connection', async (t) => {
    const server = await scriptedServer(t, (request, socket) => socket.write(framed(encodeMethodResponse(methodOf(request)))));
    const c = client(t, { serverUrl: server.url, username: 'user', password: 'pa:ss' });
    for (const method of ['a.one', 'a.two', 'a.three']) assert.equal(await c.call(method, [1]), method);
    assert.deepEqual(server.requests.map((r) => r.connection), [0, 0, 0]);
    const [first] = server.requests;
    assert.match(first.head, /^POST \/RPC2 HTTP\/1\.1\r\n/);
    assert.match(first.head, /\r\nHost: localhost\r\n/);
    assert.match(first.head, /\r\nContent-Type: text\/xml\r\n/);
    assert.match(first.head, new RegExp(`\\r\\nAuthorization: Basic ${Buffer.from('user:pa:ss').toString('base64')}\\r\\n`));
    assert.match(first.head, new RegExp(`\\r\\nContent-Length: ${Buffer.byteLength(first.body)}\\r\\n`));
    assert.match(first.body, /<methodName>a\.one<\/methodName>/);
  });

  it('opens a new connection when the server closed the idle one', async (t) => {
    const server = await scriptedServer(t, (_, socket) => {
      socket.write(framed(encodeMethodResponse('ok')));
      setImmediate(() => socket.end()); // a keep-alive timeout, right after the answer
    });
    const c = client(t, { serverUrl: server.url });
    assert.equal(await c.call('a.b'), 'ok');
    await waitFor(() => server.requests.length === 1 && true, 'the first request');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await c.call('a.b'), 'ok');
    assert.deepEqual(server.requests.map((r) => r.connection), [0, 1]);
  });

  it('sends calls issued together at once (pipelined), and reads their answers in order', async (t) => {
    const server = await scriptedServer(t, (request, socket) => {
      // The first answer waits until both requests are in: they came without waiting for it.
      if (methodOf(request) === 'a.second') socket.write(framed(encodeMethodResponse('one')) + framed(encodeMethodResponse('two')));
    });
    const c = client(t, { serverUrl: server.url });
    assert.deepEqual(await Promise.all([c.call('a.first'), c.call('a.second')]), ['one', 'two']);
    assert.deepEqual(server.requests.map((r) => r.connection), [0, 0]);
  });

  it('sends again, on a new connection, what was behind an answer that closed its connection', async (t) => {
    const server = await scriptedServer(t, (request, socket) => {
      if (request.connection === 0 && methodOf(request) === 'a.first') {
        socket.end(framed(encodeMethodResponse('one'), 'Connection: close\r\n'));
      } else if (request.connection > 0) {
        socket.write(framed(encodeMethodResponse(methodOf(request))));
      }
    });
    const c = client(t, { serverUrl: server.url });
    assert.deepEqual(await Promise.all([c.call('a.first'), c.call('a.second')]), ['one', 'a.second']);
    assert.deepEqual(server.requests.map((r) => [methodOf(r), r.connection]), [['a.first', 0], ['a.second', 0], ['a.second', 1]]);
  });

  it('lets the process exit with an idle connection open', async (t) => {
    const server = await scriptedServer(t, (_, socket) => socket.write(framed(encodeMethodResponse('ok'))));
    const script = `const { createRpcClient } = require(${JSON.stringify(require.resolve('../../src/control/rpc-client'))});
createRpcClient({ serverUrl: ${JSON.stringify(server.url)} }).call('a.b').then((v) => console.log(v));`;
    const result = await run(process.execPath, ['-e', script], { timeoutMs: 10000 });
    assert.equal(result.stdout, 'ok\n');
  });
});

describe('the control client reads every framing', () => {
  const xml = encodeMethodResponse({ text: 'x'.repeat(5000), n: 7 });
  const answers: Array<[string, string]> = [
    ['chunks', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${[xml.slice(0, 100), xml.slice(100, 4100), xml.slice(4100)].map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join('')}0\r\n\r\n`],
    ['a body read to the close', `HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n${xml}`],
    ['a 100 Continue first', `HTTP/1.1 100 Continue\r\n\r\n${framed(xml)}`],
  ];
  for (const [what, raw] of answers) {
    it(what, async (t) => {
      const server = await scriptedServer(t, (_, socket) => {
        // Byte by byte for the first 300, then the rest: every split of the head.
        for (let i = 0; i < 300; i++) socket.write(raw.slice(i, i + 1));
        socket.write(raw.slice(300));
        if (raw.startsWith('HTTP/1.0')) socket.end();
      });
      const c = client(t, { serverUrl: server.url });
      assert.deepEqual(await c.call('a.b'), { text: 'x'.repeat(5000), n: 7 });
      assert.deepEqual(await c.call('a.b'), { text: 'x'.repeat(5000), n: 7 }); // and again, on a new connection after the close
    });
  }
});

describe('the control client: each failure as before (kinds and messages of RpcTransportError)', () => {
  const failures: Array<[string, Answer, Options, (url: string) => (e: unknown) => boolean]> = [
    ['an HTTP error status', (_, s) => s.write('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nbad'), {}, (url) => transportError('http-status', `${url}: 500 Internal Server Error`, 500)],
    ['a 401', (_, s) => s.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), {}, (url) => transportError('http-status', `${url}: 401 Unauthorized`, 401)],
    ['a response over the limit', (_, s) => s.write(framed(encodeMethodResponse('y'.repeat(3000)))), { maxResponseBytes: 1000 }, () => transportError('bad-response', 'response too large')],
    ['a close before any answer', (_, s) => s.destroy(), {}, (url) => transportError('other', `${url}: socket hang up`)],
    ['a close inside the body', (_, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<?xml'), {}, (url) => transportError('other', `${url}: aborted`)],
    ['silence beyond the timeout', () => {}, { timeoutMs: 200 }, (url) => transportError('timeout', `${url}: no answer in 200 ms`)],
    ['something that is not HTTP', (_, s) => s.write('SSH-2.0-OpenSSH_9.2\r\n\r\n'), {}, (url) => transportError('other', `${url}: Parse Error: Expected HTTP/`)],
    ['XML that is not XML-RPC', (_, s) => s.write(framed('<?xml version="1.0"?><html/>')), {}, () => transportError('bad-response', 'bad response: expected <methodResponse>, got <html>')],
  ];
  for (const [what, answer, options, expected] of failures) {
    it(what, async (t) => {
      const server = await scriptedServer(t, answer);
      const c = client(t, { serverUrl: server.url, ...options });
      await assert.rejects(c.call('a.b'), expected(server.url));
    });
  }

  it('a fault is an RpcFault, and the connection serves the next call', async (t) => {
    const server = await scriptedServer(t, (request, socket) =>
      socket.write(framed(methodOf(request) === 'a.bad' ? encodeFault(10, 'BAD_NAME: x') : encodeMethodResponse(true))),
    );
    const c = client(t, { serverUrl: server.url });
    await assert.rejects(c.call('a.bad'), (e: unknown) => e instanceof RpcFault && e.code === 10 && e.text === 'BAD_NAME: x');
    assert.equal(await c.call('a.good'), true);
    assert.deepEqual(server.requests.map((r) => r.connection), [0, 0]);
  });

  it('a socket file nobody listens on is "refused connection"; a missing one "no such file"', async (t) => {
    const dir = makeTempDir(t, 'rpc-client-');
    const stale = path.join(dir, 'stale.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(stale, resolve));
    fs.linkSync(stale, `${stale}.keep`); // closing removes the file: keep it, as a SIGKILLed server leaves it
    await new Promise((resolve) => server.close(resolve));
    fs.renameSync(`${stale}.keep`, stale);
    await assert.rejects(client(t, { serverUrl: `unix://${stale}` }).call('a.b'), transportError('refused', `unix://${stale} refused connection`));
    const missing = path.join(dir, 'missing.sock');
    await assert.rejects(client(t, { serverUrl: `unix://${missing}` }).call('a.b'), transportError('no-such-file', `unix://${missing} no such file`));
  });

  it('a failed call leaves the client usable: the next one connects again', async (t) => {
    let first = true;
    const server = await scriptedServer(t, (_, socket) => {
      if (first) socket.destroy();
      else socket.write(framed(encodeMethodResponse('back')));
      first = false;
    });
    const c = client(t, { serverUrl: server.url });
    await assert.rejects(c.call('a.b'), transportError('other', `${server.url}: socket hang up`));
    assert.equal(await c.call('a.b'), 'back');
  });
});

const HAVE_SUPERVISORD = spawnSync('sh', ['-c', 'command -v supervisord'], { encoding: 'utf8' }).status === 0;

describe('the control client against the real supervisord 4.2.5', { skip: !HAVE_SUPERVISORD && 'supervisord is not installed (apt-get install supervisor)' }, () => {
  it('on its unix socket and on TCP with a password: values, faults, keep-alive, 401; status as supervisorctl prints it', async (t) => {
    const dir = makeTempDir(t, 'rpc-client-sd-');
    const reaper = new Reaper();
    const port = await freePort();
    const conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      conf,
      `[unix_http_server]\nfile=${dir}/supervisor.sock\n[inet_http_server]\nport=127.0.0.1:${port}\nusername=admin\npassword=secret\n` +
        `[supervisord]\nlogfile=${dir}/supervisord.log\npidfile=${dir}/supervisord.pid\nchildlogdir=${dir}\n` +
        `[supervisorctl]\nserverurl=unix://${dir}/supervisor.sock\n` +
        `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n` +
        `[program:sleeper]\ncommand=sleep 1000\nprocess_name=%(program_name)s_%(process_num)d\nnumprocs=3\nstartsecs=0\n`,
    );
    const child = spawn('supervisord', ['-n', '-c', conf], { stdio: 'ignore' });
    const pid = child.pid!;
    reaper.track(pid);
    t.after(async () => {
      if (!isDead(pid)) process.kill(pid, 'SIGTERM'); // it stops its programs, then exits
      await waitFor(() => isDead(pid), 'supervisord to end', 20000).catch(() => {});
      await reaper.reap();
    });
    const unix = client(t, { serverUrl: `unix://${dir}/supervisor.sock` });
    await waitFor(async () => {
      try {
        const infos = (await unix.call('supervisor.getAllProcessInfo')) as Array<{ statename: string }>;
        return infos.length === 3 && infos.every((i) => i.statename === 'RUNNING');
      } catch {
        return false;
      }
    }, 'supervisord to run its three programs', 30000);

    assert.equal(await unix.call('supervisor.getVersion'), '3.0');
    await assert.rejects(unix.call('supervisor.getProcessInfo', ['nosuch']), (e: unknown) => e instanceof RpcFault && e.code === 10 && e.text === 'BAD_NAME: nosuch');
    assert.equal(((await unix.call('supervisor.getProcessInfo', ['sleeper:sleeper_1'])) as { name: string }).name, 'sleeper_1');

    const tcp = client(t, { serverUrl: `http://127.0.0.1:${port}`, username: 'admin', password: 'secret' });
    assert.equal(await tcp.call('supervisor.getState').then((s) => (s as { statename: string }).statename), 'RUNNING');
    assert.equal(await tcp.call('supervisor.getAPIVersion'), '3.0');
    const wrong = client(t, { serverUrl: `http://127.0.0.1:${port}`, username: 'admin', password: 'wrong' });
    await assert.rejects(wrong.call('supervisor.getVersion'), transportError('http-status', `http://127.0.0.1:${port}: 401 Unauthorized`, 401));

    // Our status (its two calls pipelined) prints what supervisorctl prints against the same supervisord.
    const ours = await ctlStatus({ serverUrl: `unix://${dir}/supervisor.sock`, call: (m, p) => unix.call(m, p) }, []);
    if (SUPERVISORCTL) {
      const theirs = await run(SUPERVISORCTL, ['-c', conf, 'status'], { timeoutMs: 60000 });
      const sameUptime = (text: string) => text.replace(/uptime \d+:\d\d:\d\d/g, 'uptime H:MM:SS');
      assert.equal(sameUptime(`${ours.lines.join('\n')}\n`), sameUptime(theirs.stdout));
      assert.equal(ours.exitCode, theirs.code);
    } else {
      assert.equal(ours.lines.length, 3);
    }
    const denied = await ctlStatus({ serverUrl: `http://127.0.0.1:${port}`, call: (m, p) => wrong.call(m, p) }, []);
    assert.deepEqual(denied, { lines: ['Server requires authentication'], exitCode: 1 });
  });
});

/** A TCP port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
