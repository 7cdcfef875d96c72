/**
 * A small XML-RPC client for tdaemon's own verbs, over the supervisor's unix
 * socket (`unix:///path`) or TCP (`http://host:port`), with keep-alive and
 * basic auth. Faults come back as RpcFault; transport trouble as
 * RpcTransportError with a kind the verbs map to supervisorctl's messages.
 * Calls go over http-client.ts, not node:http (see there why).
 */
import { HttpConnection } from './http-client';
import { RpcFault } from './protocol';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from './xmlrpc';

export type TransportKind = 'refused' | 'no-such-file' | 'http-status' | 'bad-response' | 'timeout' | 'other';

export class RpcTransportError extends Error {
  constructor(
    readonly kind: TransportKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RpcTransportError';
  }
}

export interface RpcClientOptions {
  /** `unix:///abs/path` or `http://host:port` (supervisorctl's serverurl). */
  serverUrl: string;
  username?: string;
  password?: string;
  /** Per call; 0 waits forever (start waits as long as startsecs). */
  timeoutMs?: number;
  /** Largest response accepted. */
  maxResponseBytes?: number;
}

export interface RpcClient {
  call(methodName: string, params?: readonly XmlRpcValue[]): Promise<XmlRpcValue>;
  close(): void;
}

/** Where a serverurl points: a socket path, or host and port. */
export function parseServerUrl(serverUrl: string): { socketPath: string } | { host: string; port: number } {
  if (serverUrl.startsWith('unix://')) return { socketPath: serverUrl.slice('unix://'.length) };
  if (serverUrl.startsWith('http://')) {
    const url = new URL(serverUrl);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 80 };
  }
  throw new RpcTransportError('other', `Unknown protocol for serverurl ${serverUrl}`);
}

export function createRpcClient(options: RpcClientOptions): RpcClient {
  const connection = new HttpConnection(parseServerUrl(options.serverUrl));
  const maxResponse = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const headers: Record<string, string> = { 'Content-Type': 'text/xml', Accept: 'text/xml' };
  const authorization = basicAuthorization(options);
  if (authorization !== undefined) headers.Authorization = authorization;
  const timeoutError = () => new RpcTransportError('timeout', `${options.serverUrl}: no answer in ${options.timeoutMs} ms`);

  const call = async (methodName: string, params: readonly XmlRpcValue[] = []): Promise<XmlRpcValue> => {
    const body = Buffer.from(encodeMethodCall(methodName, params), 'utf8');
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      await connection.request(
        { method: 'POST', path: '/RPC2', headers, body, timeoutMs: options.timeoutMs, timeoutError },
        {
          onHead: ({ status, statusText }) => {
            if (status !== 200) throw new RpcTransportError('http-status', `${options.serverUrl}: ${status} ${statusText}`, status);
          },
          onData: (chunk) => {
            size += chunk.length;
            if (size > maxResponse) throw new RpcTransportError('bad-response', 'response too large');
            chunks.push(chunk);
          },
        },
      );
    } catch (error) {
      throw transportError(error as Error, options.serverUrl);
    }
    const decoded = decodeMethodResponse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    if (!decoded.ok) throw new RpcTransportError('bad-response', `bad response: ${decoded.error}`);
    const response = decoded.value;
    if (response.kind === 'fault') throw new RpcFault(response.faultCode, undefined, response.faultString);
    return response.value;
  };

  return { call, close: () => connection.close() };
}

/** The Authorization header for the options' user and password, if both are given. */
export function basicAuthorization(options: RpcClientOptions): string | undefined {
  if (options.username === undefined || options.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
}

/** ERROR as supervisorctl words it for SERVER_URL (refused, no such file), else with the URL in front. */
export function transportError(error: Error, serverUrl: string): RpcTransportError {
  if (error instanceof RpcTransportError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new RpcTransportError('refused', `${serverUrl} refused connection`);
  if (code === 'ENOENT') return new RpcTransportError('no-such-file', `${serverUrl} no such file`);
  return new RpcTransportError('other', `${serverUrl}: ${error.message}`);
}
