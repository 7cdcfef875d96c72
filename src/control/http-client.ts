/**
 * A keep-alive HTTP/1.1 connection over node:net, for the control client.
 * node:http is not in Node's start-up snapshot: loading and compiling its
 * client and agent, and the agent's IP checks, cost a short-lived
 * `tdaemon -c status` about a third of its own time, for a protocol whose
 * every answer here has one of three framings (http-response.ts).
 *
 * A request is written at once, even while earlier ones wait for their
 * answers (HTTP/1.1 pipelining; the server answers in order): a caller that
 * awaits each call gets one request at a time, one that issues two calls
 * together saves a round trip. A server that closes the connection after an
 * answer, saying so (Connection: close), has not read the requests behind
 * it (RFC 9112, 9.6): they are sent again on a new connection, as Node's
 * agent would have sent them.
 *
 * Errors reach the caller as Node's client gave them: the socket's own
 * errors (ENOENT, ECONNREFUSED...), `socket hang up` (ECONNRESET) when the
 * connection closes before an answer, `aborted` when it closes inside one.
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

/** What to do with one response; a throw from either abandons the connection (the request fails with that error). */
export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onData(bytes: Buffer): void;
}

interface Exchange {
  bytes: Buffer;
  request: HttpRequest;
  sink: ResponseSink;
  reader: ResponseReader;
  head: ResponseHead | null;
  resolve(): void;
  reject(error: Error): void;
}

export class HttpConnection {
  private socket: net.Socket | null = null;
  /** Requests written on the socket, oldest first: each answer belongs to the first. */
  private inFlight: Exchange[] = [];

  constructor(private readonly target: HttpTarget) {}

  /** Sends REQUEST; settles when its response's end is read. */
  request(request: HttpRequest, sink: ResponseSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const exchange: Exchange = { bytes: requestBytes(request, this.target), request, sink, reader: null!, head: null, resolve, reject };
      this.send(exchange);
    });
  }

  /** Closes the connection; a request under way fails with `socket hang up`. */
  close(): void {
    if (this.socket) this.drop(this.socket, resetError('socket hang up'));
  }

  private send(exchange: Exchange): void {
    exchange.head = null;
    exchange.reader = new ResponseReader({
      onHead: (head) => {
        exchange.head = head;
        exchange.sink.onHead(head);
      },
      onData: (bytes) => exchange.sink.onData(bytes),
      onEnd: () => {},
    });
    const socket = this.socket ?? this.open();
    this.inFlight.push(exchange);
    socket.ref();
    socket.setTimeout(exchange.request.timeoutMs ?? 0);
    socket.write(exchange.bytes);
  }

  private open(): net.Socket {
    const socket = 'socketPath' in this.target ? net.connect(this.target.socketPath) : net.connect(this.target.port, this.target.host);
    if (!('socketPath' in this.target)) socket.setNoDelay(true);
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.read(socket, chunk));
    socket.on('error', (error) => this.drop(socket, error));
    socket.on('timeout', () => {
      const first = this.inFlight[0];
      this.drop(socket, first?.request.timeoutError?.() ?? new Error('timeout'));
    });
    socket.on('close', () => {
      if (this.socket !== socket) return; // dropped already: its requests are settled
      const first = this.inFlight[0];
      let ended = false;
      try {
        ended = first !== undefined && first.reader.finish(); // a body read to the close
      } catch (error) {
        this.drop(socket, error as Error);
        return;
      }
      if (ended) this.answered(socket, first);
      else this.drop(socket, resetError(first?.reader.started ? 'aborted' : 'socket hang up'), resetError('socket hang up'));
    });
    socket.on('end', () => {
      // The server closed an idle connection (its keep-alive timeout): the next request opens another.
      if (this.socket === socket && this.inFlight.length === 0) this.drop(socket, resetError('socket hang up'));
    });
    return socket;
  }

  private read(socket: net.Socket, chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0 && this.socket === socket) {
      const first = this.inFlight[0];
      if (!first) {
        this.drop(socket, resetError('socket hang up')); // bytes nobody asked for: this connection cannot be trusted
        return;
      }
      let used: number;
      try {
        used = first.reader.push(data);
      } catch (error) {
        this.drop(socket, error as Error, resetError('socket hang up'));
        return;
      }
      if (!first.reader.done) return;
      data = data.subarray(used);
      this.answered(socket, first);
    }
  }

  /** FIRST's response is read: it settles; the connection stays for the next, or the requests behind it go on a new one. */
  private answered(socket: net.Socket, first: Exchange): void {
    this.inFlight.shift();
    first.resolve();
    if (first.head?.keepAlive === true && !socket.destroyed) {
      if (this.inFlight.length === 0) {
        socket.setTimeout(0);
        socket.unref(); // an idle connection keeps no process alive (as Node's agent)
      }
      return;
    }
    const unread = this.inFlight;
    this.inFlight = [];
    this.socket = null;
    socket.destroy();
    for (const exchange of unread) this.send(exchange);
  }

  /** Ends SOCKET: the first request under way fails with ERROR, the others with OTHERS (whether the server read them is unknown). */
  private drop(socket: net.Socket, error: Error, others: Error = error): void {
    if (this.socket !== socket) return;
    const failed = this.inFlight;
    this.inFlight = [];
    this.socket = null;
    socket.destroy();
    failed.forEach((exchange, i) => exchange.reject(i === 0 ? error : others));
  }
}

/** The request as written: head and body in one buffer. */
function requestBytes(request: HttpRequest, target: HttpTarget): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  if (request.method === 'POST' || body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += `Host: ${hostHeader(target)}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
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
