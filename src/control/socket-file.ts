/** The control socket's file: created race-free with its mode, and told apart from a stale one. */
import fs = require('node:fs');
import type http = require('node:http');
import net = require('node:net');

/**
 * Binds under a temporary name, sets its mode, then hard-links it to PATH:
 * the socket never appears under its real name with the umask's mode, and
 * link() fails if the name exists, so two servers cannot both take it. A
 * leftover socket nobody answers on is removed first (supervisor does the
 * same dance). Returns the socket's inode.
 */
export async function listenOnSocket(server: http.Server, path: string, mode: number, owner?: { uid: number; gid: number }): Promise<number> {
  if (fs.existsSync(path)) {
    if (await answers(path)) throw Object.assign(new Error(`another server is listening on ${path}`), { code: 'EADDRINUSE' });
    fs.unlinkSync(path);
  }
  const temporary = `${path}.${process.pid}`;
  try {
    fs.unlinkSync(temporary);
  } catch {
    // none left over
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(temporary, () => resolve());
  });
  try {
    fs.chmodSync(temporary, mode);
    fs.linkSync(temporary, path);
    if (owner) fs.chownSync(path, owner.uid, owner.gid);
  } finally {
    fs.unlinkSync(temporary);
  }
  return fs.statSync(path).ino;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
