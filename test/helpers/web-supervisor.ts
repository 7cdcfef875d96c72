/**
 * A tdaemon supervisor with a unix socket and a loopback TCP listener
 * (username and password), in a fresh directory: shut down, and anything it
 * ran ended by pid, before the directory is removed. Plus raw HTTP helpers
 * for requests a well-behaved client would never send.
 */
import fs = require('node:fs');
import http = require('node:http');
import net = require('node:net');
import os = require('node:os');
import path = require('node:path');
import { decodeMethodResponse } from '../../src/control/xmlrpc';
import { TDAEMON } from './paths';
import { isDead, readPid, Reaper, waitFor } from './processes';
import { run, type RunResult } from './run';

export const USER = 'admin';
export const PASSWORD = 'Corr3ct-Horse-Battery';

export const PROGRAMS = `[program:ticker]
command=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done'
startsecs=0
stopasgroup=true

[program:idle]
command=/bin/sleep 1000
startsecs=0
`;

/** A port nobody listens on now (a race with other tests is unlikely, and would fail loudly). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class WebSupervisor {
  readonly reaper = new Reaper();
  readonly socket: string;
  readonly pidfile: string;
  readonly logfile: string;
  supervisorPid: number | null = null;

  constructor(
    readonly dir: string,
    readonly conf: string,
    readonly port: number,
  ) {
    this.socket = path.join(dir, 'supervisor.sock');
    this.pidfile = path.join(dir, 'supervisord.pid');
    this.logfile = path.join(dir, 'supervisord.log');
  }

  static async create(t: { after: (fn: () => void | Promise<void>) => void }, options: { programs?: string; unix?: string } = {}): Promise<WebSupervisor> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-web-'));
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      conf,
      `[unix_http_server]\nfile=${dir}/supervisor.sock\n${options.unix ?? ''}\n\n` +
        `[inet_http_server]\nport=127.0.0.1:${port}\nusername=${USER}\npassword=${PASSWORD}\n\n` +
        `[supervisord]\npidfile=${dir}/supervisord.pid\nlogfile=${dir}/supervisord.log\nchildlogdir=${dir}\nidentifier=web-test\n\n` +
        `[supervisorctl]\nserverurl=http://127.0.0.1:${port}\nusername=${USER}\npassword=${PASSWORD}\n\n` +
        (options.programs ?? PROGRAMS),
    );
    const s = new WebSupervisor(dir, conf, port);
    t.after(async () => {
      await s.end();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return s;
  }

  async td(...args: string[]): Promise<RunResult> {
    const result = await run(TDAEMON, ['-c', this.conf, ...args], { cwd: this.dir, timeoutMs: 30000 });
    this.supervisorPid ??= readPid(this.pidfile);
    return result;
  }

  /** `tdaemon -c FILE up`, then the pids of the programs, tracked for the end. */
  async up(): Promise<void> {
    const result = await this.td('up');
    if (result.code !== 0) throw new Error(`up failed: ${result.stdout}${result.stderr}`);
    for (const line of (await this.td('status')).stdout.split('\n')) {
      const pid = /pid (\d+)/.exec(line);
      if (pid) this.reaper.track(Number(pid[1]));
    }
  }

  get auth(): string {
    return `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  }

  /** One request on a connection of its own. */
  request(method: string, urlPath: string, options: { headers?: Record<string, string>; body?: string | Buffer; socket?: boolean } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const where = options.socket ? { socketPath: this.socket } : { host: '127.0.0.1', port: this.port };
      const body = options.body === undefined ? undefined : Buffer.from(options.body);
      const headers: Record<string, string> = { Authorization: this.auth, ...options.headers };
      if (body) headers['Content-Length'] ??= String(body.length);
      const req = http.request({ ...where, method, path: urlPath, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.setTimeout(20000, () => req.destroy(new Error(`${method} ${urlPath}: no answer`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends BYTES on a raw TCP connection and returns what came back before the server closed it (or LIMIT ms). */
  raw(bytes: string | Buffer, limitMs = 10000): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let text = '';
      const done = (): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      };
      const timer = setTimeout(done, limitMs);
      socket.setEncoding('latin1').on('data', (c: string) => (text += c));
      socket.on('end', done).on('error', done).on('close', done);
      socket.write(bytes);
    });
  }

  /** An XML-RPC call with the right credentials; the raw answer. */
  rpc(method: string, params = ''): Promise<Answer> {
    const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
    return this.request('POST', '/RPC2', { body, headers: { 'Content-Type': 'text/xml' } });
  }

  /** name -> [statename, pid] of every process, by XML-RPC. */
  async states(): Promise<Map<string, [string, number]>> {
    const answer = await this.rpc('supervisor.getAllProcessInfo');
    const decoded = decodeMethodResponse(Buffer.from(answer.body));
    if (!decoded.ok || decoded.value.kind !== 'value') throw new Error(`getAllProcessInfo: ${answer.status} ${answer.body}`);
    const infos = decoded.value.value as unknown as Array<{ name: string; statename: string; pid: number }>;
    return new Map(infos.map((i) => [i.name, [i.statename, i.pid]]));
  }

  async end(): Promise<void> {
    const pid = this.supervisorPid ?? readPid(this.pidfile);
    if (pid !== null && !isDead(pid)) {
      await this.td('shutdown').catch(() => undefined);
      if (!isDead(pid)) process.kill(pid, 'SIGTERM');
      await waitFor(() => isDead(pid), 'the supervisor to end', 20000);
    }
    this.reaper.track(pid);
    await this.reaper.reap();
  }
}
