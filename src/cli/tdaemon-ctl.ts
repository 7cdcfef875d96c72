// Supervisor mode's verbs (dist/tdaemon-ctl.js): the config reader, the
// XML-RPC client and supervisorctl's lines. Loaded only with -c, so that the
// daemon verbs never pay for it.
import fs = require('node:fs');
import path = require('node:path');
import { rssKb, type ListRow } from '../app/list';
import { showLogFile } from '../app/logs';
import { bringUp, connect, waitForExit, type Connection } from '../app/supervisor/ctl';
import { processLogPaths } from '../app/supervisor/logs';
import { writeAll, writeQuietly } from '../common/say';
import * as ctl from '../control/ctl-commands';
import type { ProcessInfo } from '../control/protocol';
import type { CtlOutput } from '../control/status-lines';
import { DaemonError } from '../model/errors';
import { DEFAULTS } from '../policy/defaults';
import { EXIT } from '../policy/exit-codes';
import { one, parseCount } from './options';
import type { Words } from './parse-words';
import { complain, reportError, say } from './report';

export interface VerbCall {
  verb: string;
  configFile: string;
  operands: string[];
  argv: Words;
}

const VERBS_READING_PROGRAMS = new Set(['up', 'logs']);

/**
 * `tdaemon -c FILE VERB [NAME]...` without any option, handed over by
 * bin/launch.js before the CLI's parser is loaded: what src/cli/tdaemon.ts
 * would do with those words (its exit status, its error lines), since for
 * them its parse gives exactly this call.
 */
export function runPlainCall(call: { configFile: string; verb: string; operands: string[] }): void {
  process.on('SIGXFSZ', () => {}); // as tdaemon.ts: a write past RLIMIT_FSIZE fails with EFBIG instead of killing us
  runSupervisorVerb({ ...call, argv: { operands: call.operands } }).then(
    (code) => process.exit(code),
    (error: unknown) => process.exit(reportError(error)),
  );
}

/**
 * Runs one verb; the process exits with the status it returns (tdaemon.ts,
 * runPlainCall), and that closes the connection: an explicit close, a
 * socket's teardown run cold, cost a status a millisecond more.
 */
export async function runSupervisorVerb(call: VerbCall): Promise<number> {
  // Only up and logs read the programs; the other verbs ask the supervisor.
  const connection = connect(call.configFile, { programs: VERBS_READING_PROGRAMS.has(call.verb) });
  try {
    return await run(connection, call);
  } catch (error) {
    // No supervisor to talk to: supervisorctl's words, and its status 4.
    if (error instanceof Error && error.name === 'RpcTransportError') {
      complain(error.message);
      return 4;
    }
    throw error;
  }
}

async function run(connection: Connection, { verb, operands, argv }: VerbCall): Promise<number> {
  const { caller } = connection;
  switch (verb) {
    case 'up':
      return up(connection);
    case 'status':
      if (argv.json === true) return statusJson(connection, operands);
      return print(await ctl.ctlStatus(caller, operands));
    case 'start':
      return print(await ctl.ctlStart(caller, operands));
    case 'stop':
      return print(await ctl.ctlStop(caller, operands));
    case 'restart':
      return print(await ctl.ctlRestart(caller, operands));
    case 'signal':
      return print(await ctl.ctlSignal(caller, operands[0], operands.slice(1)));
    case 'pid':
      return print(await ctl.ctlPid(caller, operands));
    case 'avail':
      return print(await ctl.ctlAvail(caller));
    case 'reread':
      return print(await ctl.ctlReread(caller));
    case 'update':
      return print(await ctl.ctlUpdate(caller, operands, true));
    case 'clear':
      return print(await ctl.ctlClear(caller, operands));
    case 'shutdown':
      return shutdown(connection);
    case 'logs':
      return logs(connection, operands, argv);
    default:
      throw new DaemonError('USAGE', `unknown verb '${verb}' with -c`);
  }
}

/** supervisorctl's lines on stdout, its exit status. */
function print(output: CtlOutput): number {
  if (output.lines.length > 0) writeQuietly(1, `${output.lines.join('\n')}\n`);
  return output.exitCode;
}

async function up(connection: Connection): Promise<number> {
  const entry = path.join(__dirname, 'tdaemon-supervisor.js');
  const outcome = await bringUp(connection, entry);
  if (outcome.kind === 'already-running') say(`the supervisor of ${connection.config.file} already runs (pid ${outcome.pid})`);
  const table = await ctl.ctlStatus(connection.caller, []);
  print({ lines: table.lines, exitCode: 0 });
  if (outcome.kind === 'up' && outcome.failed.length > 0) {
    for (const { info, tail } of outcome.failed) {
      complain(`${info.group === info.name ? info.name : `${info.group}:${info.name}`} failed: ${info.description}; last lines of ${info.stdout_logfile || '(no log)'}:`);
      for (const line of tail) writeQuietly(2, `  ${line}\n`);
    }
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}

async function shutdown(connection: Connection): Promise<number> {
  let pid: number | null = null;
  try {
    pid = (await connection.client.call('supervisor.getPID')) as number;
  } catch {
    // not running: ctlShutdown says so in supervisorctl's words
  }
  const output = await ctl.ctlShutdown(connection.caller);
  const code = print(output);
  if (pid !== null && code === 0 && !(await waitForExit(pid, 120000))) {
    complain(`the supervisor (pid ${pid}) is still running`);
    return EXIT.FAILURE;
  }
  return code;
}

async function statusJson(connection: Connection, names: string[]): Promise<number> {
  const infos = (await connection.client.call('supervisor.getAllProcessInfo')) as unknown as ProcessInfo[];
  const wanted = names.length === 0 ? infos : infos.filter((i) => names.some((n) => n === i.name || n === `${i.group}:${i.name}` || n === `${i.group}:*`));
  const rows = wanted.map((i) => ({
    name: i.group === i.name ? i.name : `${i.group}:${i.name}`,
    group: i.group,
    state: i.statename,
    description: i.description,
    pid: i.pid || null,
    start: i.start || null,
    stop: i.stop || null,
    exitstatus: i.exitstatus,
    spawnerr: i.spawnerr || null,
    stdoutLogfile: i.stdout_logfile || null,
    stderrLogfile: i.stderr_logfile || null,
  }));
  writeQuietly(1, `${JSON.stringify(rows)}\n`);
  return rows.every((r) => r.state === 'RUNNING') ? EXIT.OK : 3;
}

/** The log named in the config (no supervisor needed: the files are the config's). */
async function logs(connection: Connection, operands: string[], argv: Words): Promise<number> {
  if (operands.length !== 1) throw new DaemonError('USAGE', 'logs takes one program name: tdaemon -c FILE logs NAME [-n N] [-f] [--stderr]');
  const { config } = connection;
  const name = operands[0];
  const spec = config.groups.flatMap((g) => g.processes).find((p) => p.namespec === name || `${p.group}:${p.name}` === name);
  if (!spec) throw new DaemonError('USAGE', `${name}: ERROR (no such process)`);
  const paths = processLogPaths(spec, config.supervisord.childlogdir, config.supervisord.identifier);
  const file = argv.stderr === true ? paths.stderrPath : paths.stdoutPath;
  if (!file) throw new DaemonError('FAILED', `${name}: no ${argv.stderr === true ? 'stderr' : 'stdout'} log file`);
  if (!fs.existsSync(file)) throw new DaemonError('FAILED', `${name}: no log at ${file} yet`);
  await showLogFile(file, parseCount('lines', one(argv.lines), DEFAULTS.logLines), argv.follow === true, (bytes) => writeAll(1, bytes));
  return EXIT.OK;
}


/** The programs of every running supervisor of this user, for `tdaemon list`. */
export async function listSupervisedPrograms(configs: string[]): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  for (const configFile of configs) {
    let connection: Connection;
    try {
      connection = connect(configFile);
    } catch {
      continue; // its config changed into something unreadable: nothing to ask it with
    }
    try {
      const infos = (await connection.client.call('supervisor.getAllProcessInfo')) as unknown as ProcessInfo[];
      const specs = new Map(connection.config.groups.flatMap((g) => g.processes).map((p) => [`${p.group}:${p.name}`, p]));
      for (const info of infos) {
        const running = info.statename === 'RUNNING' && info.pid > 0;
        rows.push({
          name: info.group === info.name ? info.name : `${info.group}:${info.name}`,
          state: info.statename.toLowerCase(),
          pid: info.pid || null,
          uptimeSeconds: running ? Math.max(0, info.now - info.start) : null,
          restarts: null,
          rssKb: running ? rssKb(info.pid) : null,
          command: specs.get(`${info.group}:${info.name}`)?.argv ?? null,
          source: connection.config.file,
        });
      }
    } catch {
      // it stopped meanwhile
    } finally {
      connection.client.close();
    }
  }
  return rows;
}
