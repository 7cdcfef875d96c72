// What loading a config needs from the world, injected so that src/config
// stays pure and is tested without a disk. All calls are synchronous: a
// config is read once, at start-up or on reread.

export interface UserRecord {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface ConfigDeps {
  /** The text of PATH; throws an error whose `code` is ENOENT, EACCES, EISDIR... */
  readFile(path: string): string;
  /** The entry names of directory PATH, or undefined when it is not one. */
  listDir(path: string): string[] | undefined;
  /** True when PATH exists, of any type. */
  fileExists(path: string): boolean;
  dirExists(path: string): boolean;
  /** The supervisor's environment: ENV_X expansions and `~`. */
  env: Readonly<Record<string, string | undefined>>;
  /** uname's nodename: %(host_node_name)s. */
  hostname: string;
  /** Relative paths in the config are taken from here, as supervisord does. */
  cwd: string;
  /** A user by name or by numeric uid. */
  lookupUser(nameOrUid: string): UserRecord | undefined;
  /** A group by name or numeric gid (for [unix_http_server] chown=). */
  lookupGroup(nameOrGid: string): { name: string; gid: number } | undefined;
}
