import type { SupervisorConfig } from '../../config';
import type { Credentials } from '../../control/http-auth';
import { isLoopback } from '../../control/http-origin';
import { DaemonError } from '../../model/errors';

/** One TCP listener of [inet_http_server]: where, and with which credentials. */
export interface TcpListener {
  host: string;
  port: number;
  credentials?: Credentials;
  /** `[inet_http_server]` as the config names it, for messages. */
  section: string;
}

/** The username and password of a section, when it sets them (supervisor insists on both or neither). */
export function credentialsOf(settings: { username: string | null; password: string | null } | null): Credentials | undefined {
  if (!settings || settings.username === null || settings.password === null) return undefined;
  return { username: settings.username, password: settings.password };
}

/**
 * The config's TCP listeners; `*:PORT` or a bare port is every IPv4
 * interface, as supervisor binds it. A listener off loopback without a
 * username and password is a config problem (exit 2, one line, before
 * anything starts): supervisor only logs a warning and serves anyone.
 */
export function planTcpListeners(config: SupervisorConfig): TcpListener[] {
  return config.inetHttpServers.map((inet) => {
    const section = inet.name === null ? 'inet_http_server' : `inet_http_server:${inet.name}`;
    const host = inet.host === '' ? '0.0.0.0' : inet.host;
    const credentials = credentialsOf(inet);
    if (!credentials && !isLoopback(host)) {
      const shown = inet.host === '' ? `*:${inet.port}` : `${inet.host}:${inet.port}`;
      throw new DaemonError('CONFIG', `${inet.source.file}: [${section}] port=${shown} is reachable from other machines: set username= and password= (or listen on 127.0.0.1)`);
    }
    return { host, port: inet.port, credentials, section };
  });
}
