// [supervisord] with supervisor's defaults. A file without the section (the
// seed as a bare file) gets the defaults: supervisord refuses such a file, we
// run it.
import type { SupervisordSettings } from '../model/settings';
import type { ExpansionNames } from './expand';
import { SUPERVISORD_KEYS } from './keys';
import { existingDirectory, existingFilePath } from './program-logs';
import { SectionReader, type LoadContext } from './reader';
import { parseKeyValuePairs } from './shlex';
import * as v from './values';

export function readSupervisord(ctx: LoadContext): SupervisordSettings {
  const r = new SectionReader(ctx, 'supervisord');
  const names: ExpansionNames = { ...ctx.envNames, host_node_name: ctx.deps.hostname };
  const path = (p: string) => existingFilePath(r, p);
  const logfileText = r.text('logfile', names);
  const settings: SupervisordSettings = {
    logfile: logfileText === 'syslog' ? 'syslog' : r.value('logfile', names, path, path('supervisord.log')),
    logfileMaxbytes: r.value('logfile_maxbytes', names, v.parseByteSize, 50 * 1024 * 1024),
    logfileBackups: r.value('logfile_backups', names, v.parseNonNegative, 10),
    loglevel: r.value('loglevel', names, v.parseLogLevel, 'info'),
    pidfile: r.value('pidfile', names, path, path('supervisord.pid')),
    umask: r.value('umask', names, v.parseOctal, 0o022),
    nodaemon: r.value('nodaemon', names, v.parseBoolean, false),
    silent: r.value('silent', names, v.parseBoolean, false),
    minfds: r.value('minfds', names, v.parseInteger, 1024),
    minprocs: r.value('minprocs', names, v.parseInteger, 200),
    nocleanup: r.value('nocleanup', names, v.parseBoolean, false),
    childlogdir: r.value('childlogdir', names, (d) => existingDirectory(r, d), defaultTempDir(ctx)),
    user: r.value('user', names, (name) => checkUser(r, name), null),
    directory: r.value('directory', names, (d) => existingDirectory(r, d), null),
    stripAnsi: r.value('strip_ansi', names, v.parseBoolean, false),
    environment: r.value('environment', names, (text) => readPairs(r, text), {}),
    identifier: r.value('identifier', names, (t) => t, 'supervisor'),
    tdaemonWaitPriority: r.value('tdaemon_wait_priority', names, v.parseBoolean, false),
    tdaemonFatalExits: r.value('tdaemon_fatal_exits', names, v.parseBoolean, false),
    explicit: SUPERVISORD_KEYS.filter((key) => r.has(key)),
  };
  return settings;
}

function readPairs(r: SectionReader, text: string): Record<string, string> {
  const { pairs, ignored } = parseKeyValuePairs(text);
  if (ignored.length > 0) r.warn(`${ignored.map((w) => `'${w}'`).join(', ')} ignored as supervisor does: quote a value with spaces (K="a b")`, 'environment');
  return pairs;
}

function checkUser(r: SectionReader, name: string): string {
  if (!r.ctx.deps.lookupUser(name)) r.fail('EUSER', 'no such user', 'user');
  return name;
}

/** Python's tempfile.gettempdir(): $TMPDIR, $TEMP, $TMP, then /tmp, /var/tmp, /usr/tmp. */
function defaultTempDir(ctx: LoadContext): string {
  const { env, dirExists } = ctx.deps;
  const candidates = [env.TMPDIR, env.TEMP, env.TMP, '/tmp', '/var/tmp', '/usr/tmp'];
  return candidates.find((dir): dir is string => !!dir && dirExists(dir)) ?? ctx.deps.cwd;
}
