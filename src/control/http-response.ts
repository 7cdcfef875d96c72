/**
 * Reads HTTP/1.x responses from a byte stream, for the control client
 * (http-client.ts): the status line and headers, then a body framed by
 * Content-Length, by chunked transfer coding, or by the end of the
 * connection. Our own server answers with Content-Length; supervisord's
 * (medusa) does too, and uses chunks for a streamed /logtail. Interim 1xx
 * responses are skipped. Malformed input throws HttpParseError, whose
 * message reads as Node's client words it ("Parse Error: ..."), so that
 * what a user sees did not change when node:http left the client.
 */

export class HttpParseError extends Error {
  constructor(reason: string) {
    super(`Parse Error: ${reason}`);
    this.name = 'HttpParseError';
  }
}

export interface ResponseHead {
  status: number;
  statusText: string;
  /** The connection may carry another request once this response's body is read. */
  keepAlive: boolean;
}

export interface ResponseHandler {
  onHead(head: ResponseHead): void;
  onData(bytes: Buffer): void;
  onEnd(): void;
}

/** Node's default --max-http-header-size. */
export const MAX_HEADER_BYTES = 16 * 1024;
const MAX_CHUNK_LINE = 1024;

type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

const enum Phase {
  HEAD,
  BODY,
  CHUNK_SIZE,
  CHUNK_DATA,
  CHUNK_DATA_END,
  TRAILERS,
  DONE,
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?$/;

/** One response at a time; `push` bytes as they come, `finish` at the end of the stream. */
export class ResponseReader {
  private phase = Phase.HEAD;
  private pending: Buffer | null = null;
  private framing: Framing = { kind: 'none' };
  private chunkLeft = 0;

  constructor(
    private readonly handler: ResponseHandler,
    private readonly maxHeaderBytes = MAX_HEADER_BYTES,
  ) {}

  /** The response has been read to its end. */
  get done(): boolean {
    return this.phase === Phase.DONE;
  }

  /**
   * Bytes from the connection; returns how many of them belong to this
   * response (all, until its end: the rest begins the next response).
   * Throws HttpParseError, and what the handler throws.
   */
  push(chunk: Buffer): number {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (data.length > 0 && this.phase !== Phase.DONE) {
      const used = this.step(data);
      if (used < 0) {
        this.pending = data; // an incomplete line: wait for more
        return chunk.length;
      }
      data = data.subarray(used);
    }
    return chunk.length - data.length;
  }

  /** The head has been read (a connection closed now cut a response short). */
  get started(): boolean {
    return this.phase !== Phase.HEAD;
  }

  /** The peer closed the connection: true if that ends the response (a body read to close). */
  finish(): boolean {
    if (this.phase === Phase.BODY && this.framing.kind === 'close') this.end();
    return this.phase === Phase.DONE;
  }

  /** Consumes from DATA; returns how many bytes, or -1 to wait for more. */
  private step(data: Buffer): number {
    switch (this.phase) {
      case Phase.HEAD:
        return this.readHead(data);
      case Phase.BODY:
        return this.readBody(data);
      case Phase.CHUNK_SIZE:
        return this.readLine(data, MAX_CHUNK_LINE, (line) => this.readChunkSize(line));
      case Phase.CHUNK_DATA: {
        const take = Math.min(this.chunkLeft, data.length);
        this.handler.onData(data.subarray(0, take));
        this.chunkLeft -= take;
        if (this.chunkLeft === 0) this.phase = Phase.CHUNK_DATA_END;
        return take;
      }
      case Phase.CHUNK_DATA_END:
        return this.readLine(data, 2, (line) => {
          if (line !== '') throw new HttpParseError('Invalid chunk data end');
          this.phase = Phase.CHUNK_SIZE;
        });
      case Phase.TRAILERS:
        return this.readLine(data, this.maxHeaderBytes, (line) => {
          if (line === '') this.end();
        });
      default:
        return data.length;
    }
  }

  private readHead(data: Buffer): number {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > this.maxHeaderBytes) throw new HttpParseError('Header overflow');
      return -1;
    }
    if (end > this.maxHeaderBytes) throw new HttpParseError('Header overflow');
    const lines = data.toString('latin1', 0, end).split('\r\n');
    const status = STATUS_LINE.exec(lines[0]);
    if (!status) throw new HttpParseError('Expected HTTP/');
    const minor = Number(status[1]);
    const code = Number(status[2]);
    let length: number | null = null;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const header = HEADER_LINE.exec(lines[i]);
      if (!header) throw new HttpParseError('Invalid header token');
      const name = header[1].toLowerCase();
      const value = header[2];
      if (name === 'content-length') {
        if (!/^[0-9]{1,15}$/.test(value) || (length !== null && length !== Number(value))) throw new HttpParseError('Invalid Content-Length');
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(value);
      } else if (name === 'connection') {
        connection += `${value.toLowerCase()},`;
      }
    }
    const used = end + 4;
    if (code >= 100 && code < 200) return used; // interim (100 Continue): the real response follows
    if (code === 204 || code === 304) this.framing = { kind: 'none' };
    else if (chunked) this.framing = { kind: 'chunked' };
    else if (length !== null) this.framing = { kind: 'length', left: length };
    else this.framing = { kind: 'close' };
    const closes = /(?:^|[ ,])close,/.test(connection);
    const keeps = /(?:^|[ ,])keep-alive,/.test(connection);
    const keepAlive = this.framing.kind !== 'close' && !closes && (minor === 1 || keeps);
    this.handler.onHead({ status: code, statusText: status[3] ?? '', keepAlive });
    if (this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0)) this.end();
    else this.phase = this.framing.kind === 'chunked' ? Phase.CHUNK_SIZE : Phase.BODY;
    return used;
  }

  private readBody(data: Buffer): number {
    if (this.framing.kind !== 'length') {
      this.handler.onData(data);
      return data.length;
    }
    const take = Math.min(this.framing.left, data.length);
    this.handler.onData(data.subarray(0, take));
    this.framing.left -= take;
    if (this.framing.left === 0) this.end();
    return take;
  }

  private readChunkSize(line: string): void {
    const size = CHUNK_SIZE.exec(line);
    if (!size) throw new HttpParseError('Invalid character in chunk size');
    this.chunkLeft = parseInt(size[1], 16);
    this.phase = this.chunkLeft === 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
  }

  /** One CRLF-terminated line (at most MAX bytes) to TAKE; -1 when it is not all here yet. */
  private readLine(data: Buffer, max: number, take: (line: string) => void): number {
    const end = data.indexOf('\r\n');
    if (end < 0) {
      if (data.length > max + 1) throw new HttpParseError('Line too long');
      return -1;
    }
    if (end > max) throw new HttpParseError('Line too long');
    take(data.toString('latin1', 0, end));
    return end + 2;
  }

  private end(): void {
    this.phase = Phase.DONE;
    this.handler.onEnd();
  }
}
