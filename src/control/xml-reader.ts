/**
 * A deliberately small XML reader for XML-RPC documents: elements, text,
 * comments, CDATA and the XML declaration. What an attacker could use to
 * make a parser work hard is refused outright: any DOCTYPE (so no entity can
 * be declared, hence no billion-laughs), entities other than the five
 * predefined and numeric references, processing instructions, and documents
 * deeper, larger or with more elements than the limits. Errors are returned
 * as values; nothing here throws at the caller.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own character data, concatenated (text between children included). */
  text: string;
}

export interface XmlLimits {
  /** Bytes of input (UTF-8). */
  maxBytes: number;
  /** Elements open at once. */
  maxDepth: number;
  /** Elements in the whole document. */
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 2 * 1024 * 1024, maxDepth: 64, maxElements: 200_000 };

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; error: string };

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
// Characters XML 1.0 allows: tab, LF, CR, and everything from space up except surrogates (handled as pairs) and U+FFFE/U+FFFF.
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

class XmlError extends Error {}

/** Parses DOCUMENT (bytes are decoded as strict UTF-8) into its root element. */
export function readXml(document: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlResult {
  try {
    return { ok: true, root: parse(decode(document, limits), limits) };
  } catch (error) {
    if (error instanceof XmlError) return { ok: false, error: error.message };
    // RangeError from a pathological regex or string: still an answer, never a crash.
    return { ok: false, error: `unreadable XML (${(error as Error).message})` };
  }
}

function decode(document: string | Uint8Array, limits: XmlLimits): string {
  if (typeof document === 'string') {
    // A string's UTF-8 size is at least its length: cheap early refusal, then the exact count.
    if (document.length > limits.maxBytes || new TextEncoder().encode(document).length > limits.maxBytes) throw new XmlError('document too large');
    return document;
  }
  if (document.length > limits.maxBytes) throw new XmlError('document too large');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(document);
  } catch {
    throw new XmlError('document is not valid UTF-8');
  }
}

function parse(text: string, limits: XmlLimits): XmlElement {
  if (FORBIDDEN_CHAR.test(text)) throw new XmlError('character not allowed in XML');
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let elements = 0;

  const expect = (literal: string): void => {
    if (!text.startsWith(literal, pos)) throw new XmlError(`expected "${literal}" at offset ${pos}`);
    pos += literal.length;
  };
  const skipSpace = (): void => {
    for (let c = text.charCodeAt(pos); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++pos));
  };
  // A hand-rolled scan: names are most of the work, and a regex per name costs twice as much.
  const readName = (): string => {
    const start = pos;
    let c = text.charCodeAt(pos);
    if (!isNameStart(c)) throw new XmlError(`expected a name at offset ${pos}`);
    do c = text.charCodeAt(++pos);
    while (isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e);
    return text.slice(start, pos);
  };

  if (text.startsWith('<?xml', pos)) readDeclaration();
  for (;;) {
    if (pos >= text.length) break;
    const lt = text.indexOf('<', pos);
    const chunk = text.slice(pos, lt < 0 ? text.length : lt);
    if (chunk) {
      if (stack.length === 0) {
        if (chunk.trim()) throw new XmlError('text outside the root element');
      } else stack[stack.length - 1].text += unescape(normalizeNewlines(chunk));
    }
    if (lt < 0) break;
    pos = lt;
    const next = text.charCodeAt(pos + 1);
    if (next !== 0x21 /* ! */ && next !== 0x3f /* ? */ && next !== 0x2f /* / */) {
      pos += 1;
      if (root) throw new XmlError('content after the root element');
      const element: XmlElement = { name: readName(), children: [], text: '' };
      if (++elements > limits.maxElements) throw new XmlError('too many elements');
      readAttributes();
      const selfClosing = text.startsWith('/>', pos);
      expect(selfClosing ? '/>' : '>');
      if (stack.length) stack[stack.length - 1].children.push(element);
      if (selfClosing) {
        if (stack.length === 0) root = element;
      } else {
        stack.push(element);
        if (stack.length > limits.maxDepth) throw new XmlError('elements nested too deeply');
      }
    } else if (next === 0x2f) {
      pos += 2;
      const name = readName();
      skipSpace();
      expect('>');
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`mismatched closing tag </${name}>`);
      if (stack.length === 0) root = open;
    } else if (text.startsWith('<!--', pos)) {
      const end = text.indexOf('-->', pos + 4);
      if (end < 0) throw new XmlError('unterminated comment');
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      const end = text.indexOf(']]>', pos + 9);
      if (end < 0) throw new XmlError('unterminated CDATA section');
      stack[stack.length - 1].text += normalizeNewlines(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith('<!', pos)) {
      throw new XmlError('DOCTYPE and declarations are not accepted');
    } else {
      throw new XmlError('processing instructions are not accepted');
    }
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;

  function readDeclaration(): void {
    const end = text.indexOf('?>', pos);
    if (end < 0) throw new XmlError('unterminated XML declaration');
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(text.slice(pos, end));
    if (encoding && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding[1])) throw new XmlError(`unsupported encoding ${encoding[1]}`);
    pos = end + 2;
  }

  // XML-RPC has no attributes; they are read (quoted values, no '<') and dropped.
  function readAttributes(): void {
    for (;;) {
      skipSpace();
      if (text[pos] === '>' || text.startsWith('/>', pos)) return;
      readName();
      skipSpace();
      expect('=');
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") throw new XmlError(`expected a quoted attribute value at offset ${pos}`);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0 || text.slice(pos + 1, end).includes('<')) throw new XmlError('bad attribute value');
      unescape(text.slice(pos + 1, end));
      pos = end + 1;
    }
  }
}

/** ASCII letters, '_' and ':' (XML-RPC's names are all ASCII). */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** XML turns CR LF and a lone CR into LF before anything else (expat does, so Python's peers see the same). */
function normalizeNewlines(chunk: string): string {
  return chunk.includes('\r') ? chunk.replace(/\r\n?/g, '\n') : chunk;
}

/** Replaces the five predefined entities and character references; any other '&' is an error. */
function unescape(chunk: string): string {
  if (!chunk.includes('&')) return chunk;
  return chunk.replace(/&([^;&]{0,12});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new XmlError('"&" must start an entity reference');
    if (body in PREDEFINED) return PREDEFINED[body];
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!numeric) throw new XmlError(`undefined entity &${body};`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) throw new XmlError(`character reference &${body}; is not allowed`);
    return String.fromCodePoint(code);
  });
}
