import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { delay, median } from './measure';
import { kbToMiB, readMemory } from './procfs';
import type { Tracked } from './processes';
import type { BenchContext, Section, SectionResult, Table } from './types';

/**
 * The supervisor on the network: supervisor.getAllProcessInfo of 100
 * programs over loopback TCP, ours against the real supervisord (Debian's
 * `supervisor`) on the same config in the same run, interleaved; and our
 * supervisor's memory with the web page's streams open against without.
 */
const PROGRAMS = 100;
const CALLS_PER_RUN = 40;
const USER = 'bench';
const PASSWORD = 'bench-password';

const CALL = `<?xml version="1.0"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>`;

function configText(dir: string, port: number): string {
  return (
    `[unix_http_server]\nfile=${dir}/s.sock\n\n[inet_http_server]\nport=127.0.0.1:${port}\nusername=${USER}\npassword=${PASSWORD}\n\n` +
    `[supervisord]\npidfile=${dir}/s.pid\nlogfile=${dir}/s.log\nchildlogdir=${dir}\nloglevel=warn\n\n` +
    `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n` +
    `[program:chatty]\ncommand=/bin/sh -c 'while :; do echo "a line of output"; sleep 0.1; done'\nstartsecs=0\nstopasgroup=true\n\n` +
    `[program:p]\ncommand=/bin/sleep 100000\nnumprocs=${PROGRAMS - 1}\nprocess_name=%(program_name)s_%(process_num)03d\nstartsecs=0\n`
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** One XML-RPC POST on AGENT's kept-alive connection; the body. */
function post(agent: http.Agent, port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: 'POST', path: '/RPC2', headers: { Authorization: AUTH, 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Server {
  label: string;
  port: number;
  tracked: Tracked;
  agent: http.Agent;
}

async function startServer(context: BenchContext, label: string, command: string, args: (conf: string) => string[]): Promise<Server> {
  const dir = context.makeTempDir(`web-${label.split(' ')[0]}`);
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(conf, configText(dir, port));
  const tracked = context.processes.start(command, args(conf), dir);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await post(agent, port, CALL).catch(() => '');
    if ((text.match(/<string>RUNNING<\/string>/g) ?? []).length === PROGRAMS) break;
    if (Date.now() > deadline) throw new Error(`${label}: ${PROGRAMS} programs not RUNNING within 60 s`);
    await delay(200);
  }
  return { label, port, tracked, agent };
}

/** Shuts a supervisor down by XML-RPC (it stops its programs), then makes sure by pid. */
async function stopServer(context: BenchContext, server: Server): Promise<void> {
  await post(server.agent, server.port, `<?xml version="1.0"?><methodCall><methodName>supervisor.shutdown</methodName><params></params></methodCall>`).catch(() => '');
  server.agent.destroy();
  await Promise.race([server.tracked.exited, delay(30_000)]);
  await context.processes.stop(server.tracked);
}

/** Milliseconds per call over CALLS_PER_RUN sequential calls on one kept-alive connection. */
async function timeCalls(server: Server): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_RUN; i++) await post(server.agent, server.port, CALL);
  return Number(process.hrtime.bigint() - start) / 1e6 / CALLS_PER_RUN;
}

/** Opens what a browser with the page open holds: the page, its event stream, and a live tail. */
function openPage(port: number): Array<http.ClientRequest> {
  const open = (urlPath: string): http.ClientRequest => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers: { Authorization: AUTH }, agent: false }, (res) => res.resume());
    req.on('error', () => {});
    return req;
  };
  return [open('/'), open('/events'), open('/events'), open('/logtail/chatty'), open('/logtail/chatty/stderr')];
}

async function sampleRss(pid: number, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await delay(500);
    samples.push(kbToMiB(readMemory(pid).vmRssKb));
  }
  return samples;
}

async function run(context: BenchContext): Promise<SectionResult> {
  const tdaemon = path.join(context.root, 'bin', 'tdaemon');
  context.progress(`web: starting tdaemon's supervisor and supervisord, ${PROGRAMS} programs each`);
  let ours = await startServer(context, 'tdaemon supervisor', process.execPath, (conf) => [tdaemon, '-c', conf, 'supervise']);
  const theirs = await startServer(context, 'supervisord 4', 'supervisord', (conf) => ['-n', '-c', conf]);
  try {
    const rows = { ours: [] as number[], theirs: [] as number[] };
    for (let i = 0; i < 3; i++) await Promise.all([post(ours.agent, ours.port, CALL), post(theirs.agent, theirs.port, CALL)]); // warm-up
    for (let i = 0; i < context.runs; i++) {
      context.progress(`web: getAllProcessInfo run ${i + 1}/${context.runs}`);
      rows.ours.push(await timeCalls(ours));
      rows.theirs.push(await timeCalls(theirs));
    }
    await stopServer(context, theirs);
    await stopServer(context, ours);

    // A fresh supervisor: the calls above grew its heap, which would hide (or fake) the page's cost.
    context.progress('web: memory without, then with the page open and streaming');
    ours = await startServer(context, 'tdaemon supervisor', process.execPath, (conf) => [tdaemon, '-c', conf, 'supervise']);
    // The same work in both phases (a program stopped and started three times), so that only the page differs.
    const cycle = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        for (const method of ['stopProcess', 'startProcess']) {
          const call = CALL.replace('getAllProcessInfo</methodName><params>', `${method}</methodName><params><param><value><string>p:p_000</string></value></param>`);
          await post(ours.agent, ours.port, call);
        }
      }
      // Spawning leaves garbage that V8 collects in its own time: let it settle before sampling.
      await delay(5000);
    };
    await cycle();
    const closed = await sampleRss(ours.tracked.pid, context.runs);
    const streams = openPage(ours.port);
    await cycle();
    const open = await sampleRss(ours.tracked.pid, context.runs);
    for (const req of streams) req.destroy();

    const callTable: Table = {
      title: `supervisor.getAllProcessInfo of ${PROGRAMS} programs over loopback TCP, one kept-alive connection (ms per call)`,
      unit: 'ms',
      baseline: 'supervisord 4',
      rows: [
        { label: 'tdaemon supervisor', samples: rows.ours },
        { label: 'supervisord 4', samples: rows.theirs },
      ],
    };
    const memoryTable: Table = {
      title: "tdaemon supervisor's VmRSS with 100 programs",
      unit: 'MiB',
      baseline: 'page closed',
      rows: [
        { label: 'page closed', samples: closed },
        { label: 'page open and streaming', samples: open },
      ],
    };
    const base = median(closed);
    const perSecond = (ms: number) => Math.round(1000 / ms);
    return {
      tables: [callTable, memoryTable],
      targets: [
        { table: callTable.title, subject: 'tdaemon supervisor', baseline: 'supervisord 4', limit: 0.2 },
        // At most 2 MiB more, as a ratio of medians.
        { table: memoryTable.title, subject: 'page open and streaming', baseline: 'page closed', limit: (base + 2) / base },
      ],
      notes: [
        `getAllProcessInfo of ${PROGRAMS} programs: tdaemon ${perSecond(median(rows.ours))} calls/s, supervisord ${perSecond(median(rows.theirs))} calls/s ` +
          `(${(median(rows.theirs) / median(rows.ours)).toFixed(1)}x)`,
        `memory with the page open (2 event streams, 2 tails, the page): ${(median(open) - base >= 0 ? '+' : '')}${(median(open) - base).toFixed(2)} MiB (${base.toFixed(1)} -> ${median(open).toFixed(1)} MiB)`,
      ],
    };
  } finally {
    if (ours.tracked.child.exitCode === null && ours.tracked.child.signalCode === null) await stopServer(context, ours);
    if (theirs.tracked.child.exitCode === null && theirs.tracked.child.signalCode === null) await stopServer(context, theirs);
  }
}

export const webSection: Section = {
  name: 'web',
  describe: 'the supervisor on TCP: getAllProcessInfo of 100 programs vs supervisord, and memory with the web page open',
  run,
};
