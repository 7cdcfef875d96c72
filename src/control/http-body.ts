/** Request bodies, read with a size limit. */
import type { IncomingMessage } from 'node:http';

/** Runs ANSWER once the request body is in (and dropped), or at once when it is larger than MAX. */
export function afterBody(req: IncomingMessage, max: number, answer: () => void): void {
  if (req.complete || Number(req.headers['content-length'] ?? 0) > max) return answer();
  let size = 0;
  let done = false;
  const finish = (): void => {
    if (!done) answer();
    done = true;
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) finish();
  });
  req.on('end', finish);
  req.on('error', finish);
}

export function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        if (!settled) resolve(null);
        settled = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) resolve(Buffer.concat(chunks));
      settled = true;
    });
    req.on('error', () => {
      if (!settled) resolve(null);
      settled = true;
    });
  });
}
