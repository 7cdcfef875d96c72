// The keys and sections supervisor 4 reads, plus ours, so that a typo gets a
// warning naming the closest known key (supervisord ignores typos silently:
// `auto_restart=false` leaves autorestart at its default).

export const EXTENSION_PROGRAM_KEYS = [
  'tdaemon_min_uptime',
  'tdaemon_backoff_max',
  'tdaemon_crash_limit',
  'tdaemon_crash_window',
  'tdaemon_wait_priority',
  'tdaemon_fatal_exits',
];

const LOG_KEYS = ['stdout', 'stderr'].flatMap((s) =>
  ['logfile', 'logfile_maxbytes', 'logfile_backups', 'capture_maxbytes', 'events_enabled', 'syslog'].map((k) => `${s}_${k}`),
);

export const PROGRAM_KEYS = [
  'command',
  'process_name',
  'numprocs',
  'numprocs_start',
  'priority',
  'autostart',
  'autorestart',
  'startsecs',
  'startretries',
  'exitcodes',
  'stopsignal',
  'stopwaitsecs',
  'stopasgroup',
  'killasgroup',
  'user',
  'redirect_stderr',
  ...LOG_KEYS,
  'environment',
  'directory',
  'umask',
  'serverurl',
  ...EXTENSION_PROGRAM_KEYS,
];

export const SUPERVISORD_KEYS = [
  'logfile',
  'logfile_maxbytes',
  'logfile_backups',
  'loglevel',
  'pidfile',
  'umask',
  'nodaemon',
  'silent',
  'minfds',
  'minprocs',
  'nocleanup',
  'childlogdir',
  'user',
  'directory',
  'strip_ansi',
  'environment',
  'identifier',
  'tdaemon_wait_priority',
  'tdaemon_fatal_exits',
];

/** Known keys by section kind (the part before the colon); null: any key. */
export const SECTION_KEYS: Record<string, string[] | null> = {
  supervisord: SUPERVISORD_KEYS,
  program: PROGRAM_KEYS,
  group: ['programs', 'priority'],
  include: ['files'],
  unix_http_server: ['file', 'chmod', 'chown', 'username', 'password'],
  inet_http_server: ['port', 'username', 'password'],
  supervisorctl: ['serverurl', 'username', 'password', 'prompt', 'history_file'],
  rpcinterface: null,
  ctlplugin: null,
  eventlistener: null,
  'fcgi-program': null,
};

/** The known key closest to KEY by edit distance (ties: the first listed). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = row;
  }
  return previous[b.length];
}
