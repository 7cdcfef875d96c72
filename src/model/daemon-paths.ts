/** Where one daemon's files live. */
export interface DaemonPaths {
  /** What messages call the daemon: --name, or the pidfile's base name. */
  name: string;
  pidfile: string;
  /** Beside the pidfile: what restart and status need beyond the pid. */
  statefile: string;
  /** Beside it, mode 0600: the environment of the last start (environ-codec.ts). */
  environfile: string;
  /** proper-lockfile's lock directory for the pidfile. */
  lockfile: string;
  /** A start in progress claims the pidfile here (app/start/claim.ts). */
  claimfile: string;
  /** stop leaves its stop request here for a watchdog (stop-request.ts). */
  stopfile: string;
  /** The default log: the pidfile's path with .log in place of .pid. */
  defaultLog: string;
}

/** Every file of the daemon whose absolute pidfile is PIDFILE. */
export function pathsFor(pidfile: string, name: string): DaemonPaths {
  const base = pidfileBase(pidfile);
  return {
    name,
    pidfile,
    statefile: `${base}.state`,
    environfile: `${base}.environ`,
    lockfile: `${pidfile}.lock`,
    claimfile: `${pidfile}.starting`,
    stopfile: `${pidfile}.stop`,
    defaultLog: `${base}.log`,
  };
}

/** The pidfile's path without a final .pid: state and log are named after it. */
export function pidfileBase(pidfile: string): string {
  return pidfile.endsWith('.pid') ? pidfile.slice(0, -4) : pidfile;
}

/** Where `--name` keeps daemons' files: pidfiles and state, and logs. */
export interface NamedPlaces {
  pidDir: string;
  logDir: string;
}

/**
 * The places for --name, from the caller's uid and its home directory (from
 * the password database; null when it has none it owns) and nothing else:
 * a login shell and cron must agree on them, and they differ in
 * XDG_RUNTIME_DIR, HOME and more. Root keeps pidfiles in /run (wiped at
 * boot, like the processes they name) and logs in /var/log (kept). A user
 * keeps both in ~/.local/state/tdaemon (XDG's place for state and logs),
 * not in /run/user/UID, which exists only while the user is logged in and is
 * removed with everything in it at the last logout. A user without a home
 * of its own (nobody) uses /tmp/tdaemon-UID, checked to be its own.
 */
export function namedPlaces(uid: number, home: string | null): NamedPlaces {
  if (uid === 0) return { pidDir: '/run/tdaemon', logDir: '/var/log/tdaemon' };
  const dir = home !== null ? `${home.replace(/\/+$/, '')}/.local/state/tdaemon` : `/tmp/tdaemon-${uid}`;
  return { pidDir: dir, logDir: dir };
}
