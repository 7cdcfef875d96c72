// The real world for loadConfig: the file system, this process's environment,
// cwd and host name. User and group lookups are passed in (src/os/users.ts
// resolves them through NSS), so this module stays a thin adapter.
import fs = require('node:fs');
import os = require('node:os');
import type { ConfigDeps } from '../config/deps';

export type AccountLookups = Pick<ConfigDeps, 'lookupUser' | 'lookupGroup'>;

export function nodeConfigDeps(accounts: AccountLookups, env: NodeJS.ProcessEnv = process.env): ConfigDeps {
  return {
    readFile: (path) => fs.readFileSync(path, 'utf8'),
    listDir(path) {
      try {
        return fs.readdirSync(path);
      } catch {
        return undefined;
      }
    },
    // lexists, as Python's glob uses: a dangling symlink still matches.
    fileExists(path) {
      try {
        fs.lstatSync(path);
        return true;
      } catch {
        return false;
      }
    },
    dirExists(path) {
      try {
        return fs.statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
    env,
    hostname: os.hostname(),
    cwd: process.cwd(),
    ...accounts,
  };
}
