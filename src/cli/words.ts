/**
 * Reading the values of parsed words: no parser here, so that what only
 * reads options (dist/tdaemon-ctl.js) does not carry yargs-parser.
 */

/** yargs gives a string for one use of an option and an array for several. */
export function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The last use wins for single-valued options. */
export function one(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? String(value[value.length - 1]) : String(value);
}
