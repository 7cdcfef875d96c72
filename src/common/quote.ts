/**
 * Quotes a file name the way GNU tools do in messages (quoteaf): always in
 * single quotes, an embedded quote written as '\'' so the result can be
 * pasted back into a shell.
 */
export function quoteName(name: string): string {
  return `'${name.replace(/'/g, `'\\''`)}'`;
}
