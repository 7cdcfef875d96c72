/**
 * A keep-alive HTTP/1.1 connection over node:net, one request at a time,
 * for the control client. node:http is not in Node's start-up snapshot:
 * loading and compiling its client and agent, and the agent's IP checks,
 * cost a short-lived `tdaemon -c status` about a third of its own time,
 * for a protocol whose every answer here has one of three framings
 * (http-response.ts).
 *
 * Errors reach the caller as Node's client gave them: the socket's own
 * errors (ENOENT, ECONNREFUSED...), `socket hang up` (ECONNRESET) when the
 * connection closes before a response, `aborted` when it closes inside one.
 */
import net = require('node:net');
import { ResponseReader, type ResponseHead } from './http-response';

export type HttpTarget = { socketPath: string } | { host: string; port: number };

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Besides Host, Content-Length and Connection. */
  headers: Record<string, string>;
  body?: Buffer;
  /** The longest silence of the server while the request is out; 0 waits forever. */
  timeoutMs?: number;
  /** An error for a timeout (the request fails with it). */
  timeoutError?: () => Error;
}

/** What to do with one response; a throw from either abandons it (the request fails with that error). */
export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onData(bytes: Buffer): void;
}

interface Exchange {
  reader: ResponseReader;
  head: ResponseHead | null;
  timeoutError: () => Error;
  fail(error: Error): void;
}

export class HttpConnection {
  private socket: net.Socket | null = null;
  private current: Exchange | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly target: HttpTarget) {}

  /** Sends REQUEST once the requests before it are answered; settles when the response's end is read. */
  request(request: HttpRequest, sink: ResponseSink): Promise<void> {
    const next = this.queue.then(() => this.exchange(request, sink));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Closes the connection; a request under way fails with `socket hang up`. */
  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private exchange(request: HttpRequest, sink: ResponseSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = this.socket ?? this.open();
      let settled = false;
      const settle = (error: Error | null, keep: boolean): void => {
        if (settled) return;
        settled = true;
        this.current = null;
        socket.setTimeout(0);
        if (keep && !socket.destroyed) socket.unref(); // an idle connection keeps no process alive (as Node's agent)
        else this.drop(socket);
        if (error) reject(error);
        else resolve();
      };
      const exchange: Exchange = {
        head: null,
        timeoutError: request.timeoutError ?? (() => new Error('timeout')),
        fail: (error) => settle(error, false),
        reader: new ResponseReader({
          onHead: (head) => {
            exchange.head = head;
            sink.onHead(head);
          },
          onData: (bytes) => sink.onData(bytes),
          onEnd: () => settle(null, exchange.head?.keepAlive === true),
        }),
      };
      this.current = exchange;
      socket.ref();
      if (request.timeoutMs) socket.setTimeout(request.timeoutMs);
      const body = request.body ?? Buffer.alloc(0);
      let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
      for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
      if (request.method === 'POST' || body.length > 0) head += `Content-Length: ${body.length}\r\n`;
      head += `Host: ${hostHeader(this.target)}\r\nConnection: keep-alive\r\n\r\n`;
      socket.write(body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
    });
  }

  private open(): net.Socket {
    const socket = 'socketPath' in this.target ? net.connect(this.target.socketPath) : net.connect(this.target.port, this.target.host);
    if (!('socketPath' in this.target)) socket.setNoDelay(true);
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      const exchange = this.current;
      if (!exchange) {
        this.drop(socket); // bytes nobody asked for: this connection cannot be trusted with the next request
        return;
      }
      try {
        exchange.reader.push(chunk);
      } catch (error) {
        exchange.fail(error as Error);
      }
    });
    socket.on('error', (error) => this.current?.fail(error));
    socket.on('timeout', () => this.current?.fail(this.current.timeoutError()));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      const exchange = this.current;
      if (!exchange) return;
      try {
        if (exchange.reader.finish()) return;
      } catch (error) {
        exchange.fail(error as Error);
        return;
      }
      exchange.fail(exchange.reader.started ? resetError('aborted') : resetError('socket hang up'));
    });
    return socket;
  }

  private drop(socket: net.Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = null;
  }
}

function resetError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/** What Node's client puts in Host: localhost on a unix socket, host:port on TCP (port 80 left out). */
export function hostHeader(target: HttpTarget): string {
  if ('socketPath' in target) return 'localhost';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port === 80 ? host : `${host}:${target.port}`;
}
