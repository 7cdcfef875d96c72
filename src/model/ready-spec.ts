import { DaemonError } from './errors';

/**
 * What `start --ready` waits for (systemd's Type=notify has no portable
 * equivalent for a command that knows nothing of us): a port that accepts a
 * connection, a file that appears, or a line of the daemon's log.
 */
export type ReadySpec =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; path: string }
  | { kind: 'log'; pattern: string };

export const DEFAULT_READY_HOST = '127.0.0.1';

const USAGE = "--ready takes tcp:[HOST:]PORT, file:PATH or log:REGEX";

/**
 * Parses the text of --ready. A bad spec or regex is a usage error, said
 * before anything starts. PATH is returned as given: the caller resolves it
 * against the daemon's directory.
 */
export function parseReadySpec(text: string): ReadySpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'tcp':
      return parseTcp(rest, text);
    case 'file':
      if (rest === '') throw usage(`--ready file: needs a path, not '${text}'`);
      return { kind: 'file', path: rest };
    case 'log':
      if (rest === '') throw usage(`--ready log: needs a regular expression, not '${text}'`);
      try {
        new RegExp(rest);
      } catch (error) {
        throw usage(`--ready log: bad regular expression '${rest}': ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
      }
      return { kind: 'log', pattern: rest };
    default:
      throw usage(`${USAGE}, not '${text}'`);
  }
}

/** PORT, HOST:PORT, or [IPV6]:PORT (a bare IPv6 address would be ambiguous). */
function parseTcp(rest: string, text: string): ReadySpec {
  let host = DEFAULT_READY_HOST;
  let portText = rest;
  const bracketed = /^\[([^\]]+)\]:([^:]*)$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (rest.includes(':')) {
    const last = rest.lastIndexOf(':');
    host = rest.slice(0, last);
    portText = rest.slice(last + 1);
    if (host === '' || host.includes(':') || host.includes('[')) {
      throw usage(`--ready tcp: takes [HOST:]PORT, an IPv6 address in brackets ([::1]:8080), not '${text}'`);
    }
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw usage(`--ready tcp: needs a port 1-65535, not '${text}'`);
  }
  return { kind: 'tcp', host, port: Number(portText) };
}

/** The spec as the user writes it (recorded, and shown in messages). */
export function formatReadySpec(spec: ReadySpec): string {
  switch (spec.kind) {
    case 'tcp':
      return `tcp:${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'file':
      return `file:${spec.path}`;
    case 'log':
      return `log:${spec.pattern}`;
  }
}

function usage(message: string): DaemonError {
  return new DaemonError('USAGE', message);
}
