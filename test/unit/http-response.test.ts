import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseReader, type ResponseHead } from '../../src/control/http-response';

interface Read {
  head: ResponseHead | null;
  body: string;
  ended: boolean;
  /** Bytes push() said belong to the response, over all pushes. */
  used: number;
}

/** Feeds TEXT in pieces of SIZE bytes (0: whole), then the close if CLOSE; what the reader made of it. */
function read(text: string, size = 0, close = false): Read {
  const out: Read = { head: null, body: '', ended: false, used: 0 };
  const reader = new ResponseReader({
    onHead: (head) => (out.head = head),
    onData: (bytes) => (out.body += bytes.toString('latin1')),
    onEnd: () => (out.ended = true),
  });
  const bytes = Buffer.from(text, 'latin1');
  const step = size || bytes.length;
  for (let at = 0; at < bytes.length && !reader.done; at += step) out.used += reader.push(bytes.subarray(at, at + step));
  if (close) reader.finish();
  return out;
}

const ok = (headers: string, body = ''): string => `HTTP/1.1 200 OK\r\n${headers}\r\n${body}`;

describe('ResponseReader: framings', () => {
  const table: Array<[string, string, { status: number; statusText: string; keepAlive: boolean; body: string; close?: boolean }]> = [
    ['Content-Length (medusa\'s answer)', ok('Server: Medusa/1.12\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n', 'hello'), { status: 200, statusText: 'OK', keepAlive: true, body: 'hello' }],
    ['Content-Length 0', ok('Content-Length: 0\r\n'), { status: 200, statusText: 'OK', keepAlive: true, body: '' }],
    ['header names in any case, value padding', ok('content-LENGTH:   3  \r\n', 'abc'), { status: 200, statusText: 'OK', keepAlive: true, body: 'abc' }],
    ['chunks, an extension and trailers', ok('Transfer-Encoding: chunked\r\n', '3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n'), { status: 200, statusText: 'OK', keepAlive: true, body: 'abc0123456789' }],
    ['chunked wins over Content-Length', ok('Content-Length: 99\r\nTransfer-Encoding: chunked\r\n', '1\r\nz\r\n0\r\n\r\n'), { status: 200, statusText: 'OK', keepAlive: true, body: 'z' }],
    ['a body read to the close', ok('Content-Type: text/plain\r\n', 'all of it'), { status: 200, statusText: 'OK', keepAlive: false, body: 'all of it', close: true }],
    ['Connection: close', ok('Connection: close\r\nContent-Length: 2\r\n', 'ab'), { status: 200, statusText: 'OK', keepAlive: false, body: 'ab' }],
    ['HTTP/1.0 closes by default', 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', { status: 200, statusText: 'OK', keepAlive: false, body: 'x' }],
    ['HTTP/1.0 with keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx', { status: 200, statusText: 'OK', keepAlive: true, body: 'x' }],
    ['a 401 as medusa sends it', 'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nWWW-Authenticate: Basic realm="default"\r\nContent-Length: 4\r\n\r\nnope', { status: 401, statusText: 'Unauthorized', keepAlive: false, body: 'nope' }],
    ['204: no body whatever the headers', 'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n', { status: 204, statusText: 'No Content', keepAlive: true, body: '' }],
    ['an interim 100 Continue is skipped', `HTTP/1.1 100 Continue\r\n\r\n${ok('Content-Length: 2\r\n', 'ok')}`, { status: 200, statusText: 'OK', keepAlive: true, body: 'ok' }],
    ['a status line without a reason', 'HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n', { status: 404, statusText: '', keepAlive: true, body: '' }],
  ];
  for (const [what, text, expected] of table) {
    it(`${what}: whole, and split at every byte`, () => {
      for (const size of [0, 1, 2, 3, 7]) {
        const out = read(text, size, expected.close === true);
        assert.deepEqual(out.head, { status: expected.status, statusText: expected.statusText, keepAlive: expected.keepAlive }, `pieces of ${size}`);
        assert.equal(out.body, expected.body, `pieces of ${size}`);
        assert.equal(out.ended, true, `pieces of ${size}`);
      }
    });
  }

  it('says where its response ends, so that the next (pipelined) one starts there', () => {
    const first = ok('Content-Length: 3\r\n', 'abc');
    const second = ok('Content-Length: 2\r\n', 'de');
    const out = read(first + second);
    assert.equal(out.body, 'abc');
    assert.equal(out.used, Buffer.byteLength(first));
    const chunked = ok('Transfer-Encoding: chunked\r\n', '1\r\nx\r\n0\r\n\r\n');
    assert.equal(read(chunked + second, 4).used, Buffer.byteLength(chunked));
  });

  it('knows whether the close cut a response short', () => {
    const reader = new ResponseReader({ onHead: () => {}, onData: () => {}, onEnd: () => {} });
    assert.equal(reader.started, false);
    assert.equal(reader.finish(), false); // no answer at all: socket hang up
    reader.push(Buffer.from(ok('Content-Length: 10\r\n', 'abc')));
    assert.equal(reader.started, true);
    assert.equal(reader.finish(), false); // inside the body: aborted
  });
});

describe('ResponseReader: refuses', () => {
  const table: Array<[string, string, RegExp]> = [
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n', /Parse Error: Expected HTTP\//],
    ['HTTP/2 framing', 'HTTP/2 200\r\n\r\n', /Expected HTTP/],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nbroken header\r\n\r\n', /Invalid header token/],
    ['a bad Content-Length', ok('Content-Length: 12abc\r\n'), /Invalid Content-Length/],
    ['two different Content-Lengths', ok('Content-Length: 1\r\nContent-Length: 2\r\n'), /Invalid Content-Length/],
    ['a bad chunk size', ok('Transfer-Encoding: chunked\r\n', 'zz\r\n'), /Invalid character in chunk size/],
    ['chunk data longer than its size', ok('Transfer-Encoding: chunked\r\n', '1\r\nabc\r\n'), /Invalid chunk data end/],
    ['headers beyond 16 KiB', `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(17 * 1024)}`, /Header overflow/],
  ];
  for (const [what, text, message] of table) {
    it(what, () => {
      assert.throws(() => read(text), message);
      assert.throws(() => read(text, 1), message);
    });
  }
});
