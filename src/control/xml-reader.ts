/**
 * A deliberately small XML reader for XML-RPC documents: elements (without
 * attributes, which XML-RPC never uses), text, comments, CDATA and the XML
 * declaration. What an attacker could use to
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

/**
 * The next piece of markup from lastIndex: a start, end or empty-element
 * tag (XML-RPC has no attributes, so a tag is a name and optional space), or
 * the opening of a comment, CDATA section, declaration or processing
 * instruction; a lone '<' is anything else, an error. One native regex scan
 * per tag keeps a cold process fast (a character loop runs interpreted).
 */
const MARKUP = /<(\/?)([A-Za-z_:][-A-Za-z0-9_:.]*)[ \t\r\n]*(\/?)>|<!--|<!\[CDATA\[|<!|<\?|</g;

function parse(text: string, limits: XmlLimits): XmlElement {
  if (FORBIDDEN_CHAR.test(text)) throw new XmlError('character not allowed in XML');
  const stack: XmlElement[] = [];
  let top: XmlElement | null = null;
  let root: XmlElement | null = null;
  let elements = 0;
  let pos = 0;

  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration');
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(text.slice(0, end));
    if (encoding && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding[1])) throw new XmlError(`unsupported encoding ${encoding[1]}`);
    pos = end + 2;
  }
  const markup = new RegExp(MARKUP);
  for (;;) {
    markup.lastIndex = pos;
    const m = markup.exec(text);
    const at = m ? m.index : text.length;
    if (at > pos) {
      const chunk = text.slice(pos, at);
      if (top) top.text += unescape(normalizeNewlines(chunk));
      else if (chunk.trim()) throw new XmlError('text outside the root element');
    }
    if (!m) break;
    pos = markup.lastIndex;
    const name = m[2];
    if (name !== undefined) {
      if (m[1]) {
        // </name>
        if (m[3]) throw new XmlError(`malformed tag at offset ${at}`);
        const open = stack.pop();
        if (!open || open.name !== name) throw new XmlError(`mismatched closing tag </${name}>`);
        top = stack.length ? stack[stack.length - 1] : null;
        if (!top) root = open;
        continue;
      }
      if (root) throw new XmlError('content after the root element');
      if (++elements > limits.maxElements) throw new XmlError('too many elements');
      const element: XmlElement = { name, children: [], text: '' };
      if (top) top.children.push(element);
      if (m[3]) {
        if (!top) root = element;
        continue;
      }
      stack.push(element);
      if (stack.length > limits.maxDepth) throw new XmlError('elements nested too deeply');
      top = element;
      continue;
    }
    switch (m[0]) {
      case '<!--': {
        const end = text.indexOf('-->', pos);
        if (end < 0) throw new XmlError('unterminated comment');
        pos = end + 3;
        break;
      }
      case '<![CDATA[': {
        if (!top) throw new XmlError('CDATA outside the root element');
        const end = text.indexOf(']]>', pos);
        if (end < 0) throw new XmlError('unterminated CDATA section');
        top.text += normalizeNewlines(text.slice(pos, end));
        pos = end + 3;
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
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
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
