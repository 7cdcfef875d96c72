/** What lstat(2) says of one path whose owner matters (policy/file-trust.ts). */
export interface OwnedPath {
  path: string;
  uid: number;
  /** st_mode's permission bits, sticky bit included. */
  mode: number;
  isDirectory: boolean;
}
