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
