/**
 * A client of the supervisor's GET /logtail/NAME/CHANNEL, as
 * `supervisorctl tail -f` uses it, for the server's tests: tdaemon's own
 * `logs -f` reads the log file itself. node:http, independent of the
 * client of src/control/http-client.ts.
 */
import * as http from 'node:http';
import { basicAuthorization, parseServerUrl, RpcTransportError, transportError, type RpcClientOptions } from '../../src/control/rpc-client';

export interface LogtailStream {
  /** Stops following (closes the connection). */
  close(): void;
  /** Settles when the server ends the stream or close() is called. */
  readonly ended: Promise<void>;
}

/**
 * Follows a process's log through GET /logtail/NAME/CHANNEL, as
 * `supervisorctl tail -f` does: ON_DATA gets the last 1024 bytes, then every
 * append. Rejects with RpcTransportError (status 404 for an unknown process
 * or a log not written yet).
 */
export function openLogtail(options: RpcClientOptions, namespec: string, channel: 'stdout' | 'stderr', onData: (chunk: Buffer) => void): Promise<LogtailStream> {
  const target = parseServerUrl(options.serverUrl);
  const headers: Record<string, string> = {};
  const authorization = basicAuthorization(options);
  if (authorization !== undefined) headers.Authorization = authorization;
  const where = 'socketPath' in target ? { socketPath: target.socketPath, host: 'localhost' } : { host: target.host, port: target.port };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...where, agent: false, method: 'GET', path: `/logtail/${encodeURIComponent(namespec)}/${channel}`, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new RpcTransportError('http-status', `${options.serverUrl}/logtail/${namespec}/${channel}: ${res.statusCode} ${res.statusMessage}`, res.statusCode));
        return;
      }
      res.on('data', onData);
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      });
      resolve({ close: () => req.destroy(), ended });
    });
    req.on('error', (error) => reject(transportError(error, options.serverUrl)));
    req.end();
  });
}
