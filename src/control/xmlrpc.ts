/**
 * XML-RPC values in and out, shaped like Python's xmlrpc.client on the wire:
 * supervisor answers through `xmlrpclib.dumps`, and supervisorctl reads what
 * we send with the same module, so our responses copy its bytes (newlines,
 * escaping of only & < >, `<?xml version='1.0'?>`). Decoding reads the
 * bounded scanner of xml-reader.ts and returns errors as values.
 */
import { charData, decodeDocument, DEFAULT_XML_LIMITS, END, START, XmlError, xmlErrorText, XmlScanner, type XmlLimits } from './xml-reader';

export type XmlRpcValue = string | number | boolean | null | Date | Uint8Array | XmlRpcValue[] | XmlRpcStruct;
export interface XmlRpcStruct {
  [key: string]: XmlRpcValue;
}

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

export type MethodResponse = { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; faultCode: number; faultString: string };

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

class DecodeError extends Error {}

/** A `methodCall` document -> method name and params (supervisor accepts a call without <params>). */
export function decodeMethodCall(document: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): Decoded<MethodCall> {
  return decodeWith(document, limits, (xml) => {
    openRoot(xml, 'methodCall');
    let methodName: string | null = null;
    let params: XmlRpcValue[] | null = null;
    // The first <methodName> and the first <params> count; anything else in the call is skipped, as before.
    while (xml.next() === START) {
      if (xml.tag() === 'methodName' && methodName === null) methodName = ownText(xml).trim();
      else if (xml.tag() === 'params' && params === null) params = readParams(xml);
      else skipElement(xml);
    }
    if (!methodName) throw new DecodeError('no method name');
    return { methodName, params: params ?? [] };
  });
}

/** A `methodResponse` document -> its value or its fault. */
export function decodeMethodResponse(document: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): Decoded<MethodResponse> {
  return decodeWith(document, limits, (xml) => {
    openRoot(xml, 'methodResponse');
    if (xml.next() !== START) throw new DecodeError('<methodResponse> must hold exactly one element');
    let response: MethodResponse;
    if (xml.tag() === 'fault') {
      const fault = onlyValue(xml, 'fault');
      if (!isStruct(fault) || typeof fault.faultCode !== 'number' || typeof fault.faultString !== 'string') throw new DecodeError('malformed fault');
      response = { kind: 'fault', faultCode: fault.faultCode, faultString: fault.faultString };
    } else {
      const params = xml.tag() === 'params' ? readParams(xml) : [];
      if (params.length !== 1) throw new DecodeError('a response holds one param');
      response = { kind: 'value', value: params[0] };
    }
    if (xml.next() !== END) throw new DecodeError('<methodResponse> must hold exactly one element');
    return response;
  });
}

/**
 * Decodes as the scanner reads: no tree of the document is built (a status
 * of 100 programs is 5000 elements, and a short-lived client paid for them
 * in garbage collection). READ consumes the root element; what follows it
 * must be nothing but space and comments.
 */
function decodeWith<T>(document: string | Uint8Array, limits: XmlLimits, read: (xml: XmlScanner) => T): Decoded<T> {
  try {
    const xml = new XmlScanner(decodeDocument(document, limits), limits);
    const value = read(xml);
    xml.next(); // EOF, or the error after the root
    return { ok: true, value };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: error.message };
    if (error instanceof XmlError) return { ok: false, error: xmlErrorText(error) };
    return { ok: false, error: `undecodable value (${(error as Error).message})` };
  }
}

function openRoot(xml: XmlScanner, name: string): void {
  xml.next(); // the root's START: the scanner refuses a document without one
  if (xml.tag() !== name) throw new DecodeError(`expected <${name}>, got <${xml.tag()}>`);
}

/** After <params>: each <param>'s value, through </params>. */
function readParams(xml: XmlScanner): XmlRpcValue[] {
  const params: XmlRpcValue[] = [];
  while (xml.next() === START) {
    if (xml.tag() !== 'param') throw new DecodeError(`expected <param>, got <${xml.tag()}>`);
    params.push(onlyValue(xml, 'param'));
  }
  return params;
}

/** After the start of PARENT, which must hold one <value> and nothing else: that value, through PARENT's end. */
function onlyValue(xml: XmlScanner, parent: string): XmlRpcValue {
  if (xml.next() !== START) throw new DecodeError(`<${parent}> must hold exactly one element`);
  const value = readValue(xml);
  if (xml.next() !== END) throw new DecodeError(`<${parent}> must hold exactly one element`);
  return value;
}

/** After a START: the element's own text (its children's skipped), through its end. */
function ownText(xml: XmlScanner): string {
  let text = '';
  while (xml.next() === START) {
    text += xml.text;
    skipElement(xml);
  }
  return text + xml.text;
}

/** After a START: everything through its end. */
function skipElement(xml: XmlScanner): void {
  for (let open = 1; open > 0; ) open += xml.next() === START ? 1 : -1;
}

function isStruct(value: XmlRpcValue): value is XmlRpcStruct {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

const INTEGER = /^[+-]?[0-9]+$/;
const FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DATETIME = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** After a START that must be <value>: its value, through </value>. */
function readValue(xml: XmlScanner): XmlRpcValue {
  if (xml.tag() !== 'value') throw new DecodeError(`expected <value>, got <${xml.tag()}>`);
  // A bare <value>text</value> is a string, whitespace and all.
  if (xml.next() === END) return xml.text;
  if (xml.text.trim()) throw new DecodeError('text beside a typed value');
  const type = xml.tag();
  let value: XmlRpcValue;
  switch (type) {
    case 'nil':
      if (xml.next() !== END || xml.text.trim()) throw new DecodeError('<nil/> must be empty');
      value = null;
      break;
    case 'array': {
      if (xml.next() !== START) throw new DecodeError('<array> must hold exactly one element');
      if (xml.tag() !== 'data') throw new DecodeError('<array> must hold <data>');
      const items: XmlRpcValue[] = [];
      while (xml.next() === START) items.push(readValue(xml));
      if (xml.next() !== END) throw new DecodeError('<array> must hold exactly one element');
      value = items;
      break;
    }
    case 'struct':
      value = readStruct(xml);
      break;
    default:
      value = scalar(type, ownText(xml));
  }
  if (xml.next() !== END) throw new DecodeError('<value> must hold exactly one element');
  if (xml.text.trim()) throw new DecodeError('text beside a typed value');
  return value;
}

/**
 * A member whose value is a scalar, all in one piece: the shape of nearly
 * every member supervisor and we send (13 of them per process in a
 * status). One sticky match reads it whole; anything else (space inside a
 * tag, a comment, CDATA, an empty or nested value) goes the general way.
 */
const SCALAR_MEMBER = /[ \t\r\n]*<member>[ \t\r\n]*<name>([^<]*)<\/name>[ \t\r\n]*<value><(string|int|i4|i8|boolean|double)>([^<]*)<\/\2><\/value>[ \t\r\n]*<\/member>/y;

/** After <struct>: its members, through </struct>. */
function readStruct(xml: XmlScanner): XmlRpcStruct {
  // A plain object (a prototype-less one is a slow dictionary); a "__proto__" key becomes an own property, never the prototype.
  const struct: XmlRpcStruct = {};
  for (;;) {
    for (let m = xml.match(SCALAR_MEMBER, 4, 3); m !== null; m = xml.match(SCALAR_MEMBER, 4, 3)) {
      setMember(struct, charData(m[1]), scalar(m[2], charData(m[3])));
    }
    if (xml.next() === END) return struct;
    if (xml.tag() !== 'member') throw new DecodeError(`expected <member>, got <${xml.tag()}>`);
    let name: string | null = null;
    let value: XmlRpcValue | undefined;
    let children = 0;
    while (xml.next() === START) {
      children++;
      if (xml.tag() === 'name' && name === null) name = ownText(xml);
      else if (xml.tag() === 'value' && value === undefined) value = readValue(xml);
      else skipElement(xml);
    }
    if (name === null || value === undefined || children !== 2) throw new DecodeError('a <member> holds one <name> and one <value>');
    setMember(struct, name, value);
  }
}

function setMember(struct: XmlRpcStruct, name: string, value: XmlRpcValue): void {
  if (name === '__proto__') Object.defineProperty(struct, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  else struct[name] = value;
}

/** The value of a type whose content is text. */
function scalar(type: string, raw: string): XmlRpcValue {
  if (type === 'string') return raw;
  const text = raw.trim();
  switch (type) {
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(n)) throw new DecodeError(`bad <${type}> ${JSON.stringify(text.slice(0, 40))}`);
      return n;
    }
    case 'boolean':
      if (text !== '0' && text !== '1') throw new DecodeError(`bad <boolean> ${JSON.stringify(text.slice(0, 40))}`);
      return text === '1';
    case 'double':
      if (!FLOAT.test(text)) throw new DecodeError(`bad <double> ${JSON.stringify(text.slice(0, 40))}`);
      return Number(text);
    case 'dateTime.iso8601': {
      const m = DATETIME.exec(text);
      if (!m) throw new DecodeError(`bad <dateTime.iso8601> ${JSON.stringify(text.slice(0, 40))}`);
      return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
    }
    case 'base64':
      return decodeBase64(raw);
    default:
      throw new DecodeError(`unknown type <${type}>`);
  }
}

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new DecodeError('bad <base64>');
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// ---- encoding ----

const HEADER = "<?xml version='1.0'?>\n";

/** A successful response, as `xmlrpclib.dumps((value,), methodresponse=1)` writes it. */
export function encodeMethodResponse(value: XmlRpcValue): string {
  return `${HEADER}<methodResponse>\n<params>\n<param>\n${encodeValue(value)}</param>\n</params>\n</methodResponse>\n`;
}

/** A fault response (HTTP 200, as supervisor sends faults). */
export function encodeFault(faultCode: number, faultString: string): string {
  return `${HEADER}<methodResponse>\n<fault>\n${encodeValue({ faultCode, faultString })}</fault>\n</methodResponse>\n`;
}

/** A request body, byte for byte what Python's ServerProxy sends. */
export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[]): string {
  const body = params.map((param) => `<param>\n${encodeValue(param)}</param>\n`).join('');
  return `${HEADER}<methodCall>\n<methodName>${escapeText(methodName)}</methodName>\n<params>\n${body}</params>\n</methodCall>\n`;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * One `<value>` line. JavaScript has one number type: an integer that fits
 * XML-RPC's int32 is an <int>, anything else a <double> (Python would refuse
 * a larger int; a double keeps the value).
 */
export function encodeValue(value: XmlRpcValue | undefined): string {
  if (value === null || value === undefined) return '<value><nil/></value>\n';
  if (typeof value === 'string') return `<value><string>${escapeText(value)}</string></value>\n`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>\n`;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return `<value><int>${value}</int></value>\n`;
    return `<value><double>${pythonFloatRepr(value)}</double></value>\n`;
  }
  if (value instanceof Date) return `<value><dateTime.iso8601>${formatDateTime(value)}</dateTime.iso8601></value>\n`;
  if (value instanceof Uint8Array) return `<value><base64>\n${encodeBase64Lines(value)}</base64></value>\n`;
  if (Array.isArray(value)) return `<value><array><data>\n${value.map(encodeValue).join('')}</data></array></value>\n`;
  const members = Object.keys(value).map((key) => `<member>\n<name>${escapeText(key)}</name>\n${encodeValue(value[key])}</member>\n`);
  return `<value><struct>\n${members.join('')}</struct></value>\n`;
}

// What escapeText may change (every surrogate, paired or not): one character class, a fast scan.
const NEEDS_ESCAPE = /[&<>\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
// Characters XML 1.0 cannot carry at all, even as references.
const UNSENDABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Python escapes only & < > and sends the rest raw. A control character in a
 * log (an ANSI colour, say) would make the whole response unparsable for
 * the client, so those become U+FFFD; supervisor would send them and fail.
 */
export function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text; // nearly every string: one scan of a character class
  let out = text.replace(UNSENDABLE, '\uFFFD');
  if (/[&<>]/.test(out)) out = out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return out;
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

function formatDateTime(date: Date): string {
  const p = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
}

/** base64.encodebytes: lines of 76 characters, each ending in a newline. */
function encodeBase64Lines(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const encoded = btoa(binary);
  let out = '';
  for (let i = 0; i < encoded.length; i += 76) out += `${encoded.slice(i, i + 76)}\n`;
  return out;
}
