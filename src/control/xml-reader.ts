/**
 * A deliberately small XML reader for XML-RPC documents: elements (without
 * attributes, which XML-RPC never uses), text, comments, CDATA and the XML
 * declaration. What an attacker could use to
 * make a parser work hard is refused outright: any DOCTYPE (so no entity can
 * be declared, hence no billion-laughs), entities other than the five
 * predefined and numeric references, processing instructions, and documents
 * deeper, larger or with more elements than the limits. readXml returns
 * errors as values; the scanner, for decoders, throws XmlError.
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
// The same with every surrogate: one character class, which V8 scans five times faster than the rule above (a status of 100 programs: 0.7 ms, not 3.5); the rule runs only when this finds something.
const SUSPECT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** A rule of this module broken; its message is the error value's text. */
export class XmlError extends Error {}

/** Parses DOCUMENT (bytes are decoded as strict UTF-8) into its root element. */
export function readXml(document: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlResult {
  try {
    return { ok: true, root: parse(decodeDocument(document, limits), limits) };
  } catch (error) {
    return { ok: false, error: xmlErrorText(error) };
  }
}

/** The message of an error thrown by the scanner; anything else (a RangeError from a pathological string) is still an answer, never a crash. */
export function xmlErrorText(error: unknown): string {
  if (error instanceof XmlError) return error.message;
  return `unreadable XML (${(error as Error).message})`;
}

/** DOCUMENT as text: bytes decoded as strict UTF-8, within the size limit; throws XmlError. */
export function decodeDocument(document: string | Uint8Array, limits: XmlLimits): string {
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

/**
 * The next piece of markup from lastIndex: a start, end or empty-element
 * tag (XML-RPC has no attributes, so a tag is a name and optional space), or
 * the opening of a comment, CDATA section, declaration or processing
 * instruction; a lone '<' is anything else, an error. One native regex scan
 * per tag keeps a cold process fast (a character loop runs interpreted).
 */
const MARKUP = /<(\/?)([A-Za-z_:][-A-Za-z0-9_:.]*)[ \t\r\n]*(\/?)>|<!--|<!\[CDATA\[|<!|<\?|</g;

/** What XmlScanner.next() found. */
export const START = 1;
export const END = 2;
export const EOF = 3;
export type XmlToken = typeof START | typeof END | typeof EOF;

/**
 * The document as a stream of tags, for decoders that build their values
 * as they read (xmlrpc.ts) and for readXml's tree. Every rule of this
 * module is checked here, in document order: a decoder sees only
 * well-formed, bounded input, and stops at the first problem (a throw of
 * XmlError, which readXml and the decoders turn into an error value).
 */
export class XmlScanner {
  private name = '';
  /**
   * START and END: the character data since the previous tag (comments
   * skipped, CDATA included, entities replaced, newlines normalized); at
   * END of an element without children, its whole text.
   */
  text = '';
  private pos = 0;
  private readonly stack: string[] = [];
  private elements = 0;
  private rootDone = false;
  /** An empty-element tag gives START now and END at the next call. */
  private closing = false;
  private readonly markup = new RegExp(MARKUP);

  constructor(
    private readonly source: string,
    private readonly limits: XmlLimits,
  ) {
    if (SUSPECT_CHAR.test(source) && FORBIDDEN_CHAR.test(source)) throw new XmlError('character not allowed in XML');
    if (source.startsWith('<?xml')) {
      const end = source.indexOf('?>');
      if (end < 0) throw new XmlError('unterminated XML declaration');
      const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(source.slice(0, end));
      if (encoding && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding[1])) throw new XmlError(`unsupported encoding ${encoding[1]}`);
      this.pos = end + 2;
    }
  }

  /** START and END: the element's name. */
  tag(): string {
    return this.name;
  }

  /** The next tag; EOF once the root is closed and only space and comments follow. */
  next(): XmlToken {
    if (this.closing) {
      this.closing = false;
      this.text = '';
      this.close();
      return END;
    }
    const { source, markup } = this;
    let text = '';
    for (;;) {
      markup.lastIndex = this.pos;
      const m = markup.exec(source);
      const at = m ? m.index : source.length;
      if (at > this.pos) {
        const chunk = source.slice(this.pos, at);
        if (this.stack.length) text += unescape(normalizeNewlines(chunk));
        else if (chunk.trim()) throw new XmlError('text outside the root element');
      }
      if (!m) {
        this.pos = source.length;
        if (this.stack.length) throw new XmlError(`unclosed element <${this.stack[this.stack.length - 1]}>`);
        if (!this.rootDone) throw new XmlError('no root element');
        this.text = '';
        return EOF;
      }
      this.pos = markup.lastIndex;
      const name = m[2];
      if (name !== undefined) {
        this.name = name;
        this.text = text;
        if (m[1]) {
          // </name>
          if (m[3]) throw new XmlError(`malformed tag at offset ${at}`);
          if (this.stack[this.stack.length - 1] !== name) throw new XmlError(`mismatched closing tag </${name}>`);
          this.close();
          return END;
        }
        if (this.rootDone) throw new XmlError('content after the root element');
        if (++this.elements > this.limits.maxElements) throw new XmlError('too many elements');
        this.stack.push(name);
        if (this.stack.length > this.limits.maxDepth) throw new XmlError('elements nested too deeply');
        this.closing = m[3] === '/';
        return START;
      }
      switch (m[0]) {
        case '<!--': {
          const end = source.indexOf('-->', this.pos);
          if (end < 0) throw new XmlError('unterminated comment');
          this.pos = end + 3;
          break;
        }
        case '<![CDATA[': {
          if (!this.stack.length) throw new XmlError('CDATA outside the root element');
          const end = source.indexOf(']]>', this.pos);
          if (end < 0) throw new XmlError('unterminated CDATA section');
          text += normalizeNewlines(source.slice(this.pos, end));
          this.pos = end + 3;
          break;
        }
        case '<!':
          throw new XmlError('DOCTYPE and declarations are not accepted');
        case '<?':
          throw new XmlError('processing instructions are not accepted');
        default:
          throw new XmlError(`malformed tag at offset ${at} (XML-RPC has no attributes)`);
      }
    }
  }

  /**
   * A shortcut for a decoder's most common shape: if STICKY matches at this
   * point, what it matched is consumed as ELEMENTS whole elements nesting
   * DEPTH deep, and the match is returned; else null, and nothing moved.
   * STICKY must match only start and end tags without space, whitespace
   * between them, and character data without '<' (so no comment, CDATA
   * or other markup, whose rules next() keeps); that data is raw: pass it
   * through charData(). Limits are kept: near one, the shortcut is not
   * taken, and next() stops at the very tag it would have.
   */
  match(sticky: RegExp, elements: number, depth: number): RegExpExecArray | null {
    if (this.closing || this.elements + elements > this.limits.maxElements || this.stack.length + depth > this.limits.maxDepth) return null;
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.source);
    if (m === null) return null;
    this.pos = sticky.lastIndex;
    this.elements += elements;
    return m;
  }

  private close(): void {
    this.stack.pop();
    if (!this.stack.length) this.rootDone = true;
  }
}

/** Character data as written in the document (no markup in it): entities replaced, newlines normalized. */
export function charData(raw: string): string {
  return unescape(normalizeNewlines(raw));
}

/** Parses DOCUMENT into its tree (the decoders read the scanner directly). */
function parse(text: string, limits: XmlLimits): XmlElement {
  const scanner = new XmlScanner(text, limits);
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  for (;;) {
    const token = scanner.next();
    if (token === EOF) return root!;
    const top = stack.length ? stack[stack.length - 1] : null;
    if (top) top.text += scanner.text;
    if (token === START) {
      const element: XmlElement = { name: scanner.tag(), children: [], text: '' };
      if (top) top.children.push(element);
      else root = element;
      stack.push(element);
    } else {
      stack.pop();
    }
  }
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
