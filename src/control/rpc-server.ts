/**
 * The supervisor's control server: HTTP/1.1 with keep-alive on a unix socket
 * (and/or TCP), serving supervisor's XML-RPC at POST /RPC2 and the `tail -f`
 * stream at GET /logtail/NAME[/stdout|stderr], so that the real supervisorctl
 * drives it. Everything an engine must decide goes through SupervisorBackend.
 */
import fs = require('node:fs');
import http = require('node:http');
import type net = require('node:net');
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SupervisorBackend } from './backend';
import { guardConnections } from './connection-guard';
import { createDispatcher, type LogReader } from './dispatch';
import { isAuthorized, type Credentials } from './http-auth';
import { isCrossSite, isLoopback, isLoopbackHostHeader } from './http-origin';
import { sendError } from './http-errors';
import { createFileLogReader, followFile } from './log-files';
import { afterBody, readBody } from './http-body';
import { parseLogtailPath } from './logtail-path';
import { isRpcFault } from './protocol';
import { listenOnSocket } from './socket-file';
import { decodeMethodCall, encodeFault, encodeMethodResponse } from './xmlrpc';

export interface ServerLimits {
  /** Largest /RPC2 request body; a bigger one is answered 413 and the connection closed. */
  maxBodyBytes: number;
  /** Time to receive a request's headers (a slow client cannot hold a connection). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included; answering may take longer (start waits for RUNNING). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  idleTimeoutMs: number;
  /** Connections open at once, per listener; more are refused by the kernel accept path. */
  maxConnections: number;
  /** /logtail streams at once; more get 503. */
  maxLogtailStreams: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  maxConnections: 64,
  maxLogtailStreams: 16,
};

export interface RpcServerOptions {
  backend: SupervisorBackend;
  /** Listen on this unix socket path. */
  socketPath?: string;
  /** The socket's mode (supervisor's `chmod=`), 0o700 by default. */
  chmod?: number;
  /** The socket's owner (supervisor's `chown=`). */
  chown?: { uid: number; gid: number };
  /** Listen on TCP too (issue 11). */
  tcp?: { host: string; port: number };
  credentials?: Credentials;
  limits?: Partial<ServerLimits>;
  logs?: LogReader;
  /** Epoch seconds for process structs. */
  now?: () => number;
  /** Requests no built-in route takes (the web page, later); 404 without it. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Server-side errors (a backend bug answered 500); never the request's data or credentials. */
  onError?: (error: unknown) => void;
  /** The logtail poll interval, ms (supervisor: 100). */
  followIntervalMs?: number;
}

export interface RpcServer {
  /** The TCP port actually bound, when tcp was asked for (port 0 picks one). */
  readonly tcpPort: number | null;
  close(): Promise<void>;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const dispatcher = createDispatcher({ backend: options.backend, logs: options.logs ?? createFileLogReader(), now: options.now });
  const onError = options.onError ?? (() => {});
  const followers = new Set<{ stop(): void }>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (options.credentials && !isAuthorized(req.headers.authorization, options.credentials)) {
      // supervisor answers 401 and closes. The body is read (and dropped) first: a client still
      // writing it would otherwise get EPIPE instead of the 401 (Python's http.client does).
      afterBody(req, limits.maxBodyBytes, () => sendError(res, 401, { 'WWW-Authenticate': 'Basic realm="default"' }, true));
      return;
    }
    // Another site's page driving the visitor's browser: refused on every route (see http-origin.ts).
    // Without a password, a TCP listener also insists on a loopback Host, which no rebound name is.
    if (isCrossSite(req.headers) || (!options.credentials && req.socket.remoteFamily !== undefined && !isLoopbackHostHeader(req.headers.host))) {
      return afterBody(req, limits.maxBodyBytes, () => sendError(res, 403, {}, true));
    }
    const url = req.url ?? '/';
    // A bug below must cost one 500, never the supervisor: nothing may escape as an unhandled rejection.
    const guard = (work: Promise<void>): void =>
      void work.catch((error) => {
        onError(error);
        sendError(res, 500);
      });
    if (url.startsWith('/RPC2')) return guard(serveRpc(req, res));
    if (url.startsWith('/logtail')) return guard(serveLogtail(req, res, url));
    if (url.startsWith('/mainlogtail')) return guard(serveMainLogtail(req, res));
    if (options.fallback) return guard(Promise.resolve().then(() => options.fallback!(req, res)));
    sendError(res, 404);
  };

  async function serveRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 400);
    const declared = req.headers['content-length'];
    if (declared === undefined) return afterBody(req, limits.maxBodyBytes, () => sendError(res, 411, {}, true));
    if (Number(declared) > limits.maxBodyBytes) return sendError(res, 413, {}, true);
    const body = await readBody(req, limits.maxBodyBytes);
    if (body === null) return sendError(res, 413, {}, true);
    const call = decodeMethodCall(body);
    if (!call.ok) return sendError(res, 400);
    let xml: string;
    try {
      xml = encodeMethodResponse(await dispatcher.call(call.value.methodName, call.value.params));
    } catch (error) {
      if (!isRpcFault(error)) {
        onError(error);
        return sendError(res, 500);
      }
      xml = encodeFault(error.code, error.text);
    }
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  async function serveLogtail(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    if (req.method !== 'GET') return sendError(res, 400);
    const target = parseLogtailPath(url);
    if (!target) return sendError(res, 404);
    let file: string | null;
    try {
      file = await options.backend.logFile(target.namespec, target.channel);
    } catch (error) {
      if (!isRpcFault(error)) onError(error);
      return sendError(res, 404);
    }
    return streamFile(res, file);
  }

  /** supervisorctl's `maintail -f`: the supervisor's own log. */
  async function serveMainLogtail(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') return sendError(res, 400);
    return streamFile(res, options.backend.mainLogFile ? await options.backend.mainLogFile() : null);
  }

  function streamFile(res: ServerResponse, file: string | null): void {
    // A GET has no body, but its 'end' comes only once it is read: without it the request
    // deadline (connection-guard.ts) would cut a `tail -f` after requestTimeoutMs.
    res.req.resume();
    if (!file) return sendError(res, 404);
    if (followers.size >= limits.maxLogtailStreams) return sendError(res, 503);
    let mtime: Date;
    try {
      mtime = fs.statSync(file).mtime;
    } catch {
      return sendError(res, 404); // not written yet: supervisor's 404 too
    }
    res.writeHead(200, { 'Last-Modified': mtime.toUTCString(), 'Content-Type': 'text/plain;charset=utf-8', 'X-Accel-Buffering': 'no' });
    // Headers now, so that a client waiting for them is not held until the first append.
    res.flushHeaders();
    let follow: ReturnType<typeof followFile>;
    try {
      follow = followFile(file, (chunk) => res.write(chunk), options.followIntervalMs ?? 100);
    } catch {
      res.end();
      return;
    }
    followers.add(follow.follower);
    res.on('drain', follow.onDrain);
    res.on('close', () => {
      follow.follower.stop();
      followers.delete(follow.follower);
    });
  }

  const servers: http.Server[] = [];
  const makeServer = (): http.Server => {
    // Node's own request deadlines are off (their checker wakes the process forever); connection-guard.ts keeps them.
    const server = http.createServer({ requestTimeout: 0, headersTimeout: 0, connectionsCheckingInterval: 2 ** 31 - 1, keepAliveTimeout: limits.idleTimeoutMs }, handle);
    guardConnections(server, limits);
    server.maxConnections = limits.maxConnections;
    server.on('clientError', (_error, socket: net.Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    servers.push(server);
    return server;
  };

  // supervisor only logs a warning here; an open control port on the network is refused instead.
  if (options.tcp && !options.credentials && !isLoopback(options.tcp.host)) {
    throw Object.assign(new Error(`refusing to listen on ${options.tcp.host}:${options.tcp.port} without a username and password`), { code: 'EINSECURE' });
  }
  let socketIno: number | null = null;
  let tcpPort: number | null = null;
  try {
    if (options.socketPath) socketIno = await listenOnSocket(makeServer(), options.socketPath, options.chmod ?? 0o700, options.chown);
    if (options.tcp) {
      const server = makeServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.tcp!.port, options.tcp!.host, () => resolve());
      });
      tcpPort = (server.address() as net.AddressInfo).port;
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  async function closeAll(): Promise<void> {
    for (const follower of followers) follower.stop();
    followers.clear();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    // Remove our socket name, unless another server has taken it since.
    if (options.socketPath && socketIno !== null) {
      try {
        if (fs.statSync(options.socketPath).ino === socketIno) fs.unlinkSync(options.socketPath);
      } catch {
        // already gone
      }
    }
  }

  return { tcpPort, close: closeAll };
}
