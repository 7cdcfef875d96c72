/**
 * Per-connection deadlines, so that a slow client cannot hold a connection:
 * the headers of each request must arrive within headersTimeoutMs, its body
 * within requestTimeoutMs, and an idle keep-alive connection closes after
 * idleTimeoutMs. Node's own headersTimeout/requestTimeout are enforced by an
 * interval that wakes the process every connectionsCheckingInterval even
 * when nobody is connected; these timers exist only while a connection does,
 * so an idle supervisor sleeps. Answering may take as long as the backend
 * needs (a start waits for startsecs): no deadline runs meanwhile.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GuardLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

const deadlines = new WeakMap<Socket, NodeJS.Timeout>();

function arm(socket: Socket, ms: number): void {
  disarm(socket);
  const timer = setTimeout(() => socket.destroy(), ms);
  deadlines.set(socket, timer);
}

function disarm(socket: Socket): void {
  const timer = deadlines.get(socket);
  if (timer) clearTimeout(timer);
  deadlines.delete(socket);
}

export function guardConnections(server: Server, limits: GuardLimits): void {
  server.on('connection', (socket: Socket) => {
    arm(socket, limits.headersTimeoutMs);
    socket.once('close', () => disarm(socket));
  });
  // 'request' fires once the headers are in: from here the body has its own deadline.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    arm(socket, limits.requestTimeoutMs);
    const bodyDone = (): void => disarm(socket);
    req.once('end', bodyDone);
    // A body nobody reads (an error answered early) never ends: the response's end settles it.
    res.once('finish', () => {
      req.off('end', bodyDone);
      // Until the next request's headers are complete: idle wait plus their own time.
      if (!socket.destroyed) arm(socket, limits.idleTimeoutMs + limits.headersTimeoutMs);
    });
  });
}
