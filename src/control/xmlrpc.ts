/**
 * XML-RPC values in and out, shaped like Python's xmlrpc.client on the wire:
 * supervisor answers through `xmlrpclib.dumps`, and supervisorctl reads what
 * we send with the same module, so our responses copy its bytes (newlines,
 * escaping of only & < >, `<?xml version='1.0'?>`). Decoding goes through
 * the bounded reader in xml-reader.ts and returns errors as values.
 */
import { DEFAULT_XML_LIMITS, readXml, type XmlElement, type XmlLimits } from './xml-reader';

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
  return decodeWith(document, limits, (root) => {
    if (root.name !== 'methodCall') throw new DecodeError(`expected <methodCall>, got <${root.name}>`);
    const nameElement = root.children.find((child) => child.name === 'methodName');
    const methodName = nameElement ? nameElement.text.trim() : '';
    if (!methodName) throw new DecodeError('no method name');
    const paramsElement = root.children.find((child) => child.name === 'params');
    return { methodName, params: paramsElement ? paramsElement.children.map(decodeParam) : [] };
  });
}

/** A `methodResponse` document -> its value or its fault. */
export function decodeMethodResponse(document: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): Decoded<MethodResponse> {
  return decodeWith(document, limits, (root) => {
    if (root.name !== 'methodResponse') throw new DecodeError(`expected <methodResponse>, got <${root.name}>`);
    const body = onlyChild(root);
    if (body.name === 'fault') {
      const fault = decodeValue(onlyChild(body));
      if (!isStruct(fault) || typeof fault.faultCode !== 'number' || typeof fault.faultString !== 'string') throw new DecodeError('malformed fault');
      return { kind: 'fault', faultCode: fault.faultCode, faultString: fault.faultString };
    }
    if (body.name !== 'params' || body.children.length !== 1) throw new DecodeError('a response holds one param');
    return { kind: 'value', value: decodeParam(body.children[0]) };
  });
}

function decodeWith<T>(document: string | Uint8Array, limits: XmlLimits, read: (root: XmlElement) => T): Decoded<T> {
  const xml = readXml(document, limits);
  if (!xml.ok) return xml;
  try {
    return { ok: true, value: read(xml.root) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: error.message };
    return { ok: false, error: `undecodable value (${(error as Error).message})` };
  }
}

function onlyChild(element: XmlElement): XmlElement {
  if (element.children.length !== 1) throw new DecodeError(`<${element.name}> must hold exactly one element`);
  return element.children[0];
}

function decodeParam(param: XmlElement): XmlRpcValue {
  if (param.name !== 'param') throw new DecodeError(`expected <param>, got <${param.name}>`);
  return decodeValue(onlyChild(param));
}

function isStruct(value: XmlRpcValue): value is XmlRpcStruct {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

const INTEGER = /^[+-]?[0-9]+$/;
const FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DATETIME = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function decodeValue(element: XmlElement): XmlRpcValue {
  if (element.name !== 'value') throw new DecodeError(`expected <value>, got <${element.name}>`);
  // A bare <value>text</value> is a string, whitespace and all.
  if (element.children.length === 0) return element.text;
  if (element.text.trim()) throw new DecodeError('text beside a typed value');
  const typed = onlyChild(element);
  const text = typed.text.trim();
  switch (typed.name) {
    case 'string':
      return typed.text;
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(n)) throw new DecodeError(`bad <${typed.name}> ${JSON.stringify(text.slice(0, 40))}`);
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
      return decodeBase64(typed.text);
    case 'nil':
      if (typed.children.length || text) throw new DecodeError('<nil/> must be empty');
      return null;
    case 'array': {
      const data = onlyChild(typed);
      if (data.name !== 'data') throw new DecodeError('<array> must hold <data>');
      return data.children.map(decodeValue);
    }
    case 'struct': {
      // A plain object (a prototype-less one is a slow dictionary); a "__proto__" key becomes an own property, never the prototype.
      const struct: XmlRpcStruct = {};
      for (const member of typed.children) {
        if (member.name !== 'member') throw new DecodeError(`expected <member>, got <${member.name}>`);
        const name = member.children.find((child) => child.name === 'name');
        const value = member.children.find((child) => child.name === 'value');
        if (!name || !value || member.children.length !== 2) throw new DecodeError('a <member> holds one <name> and one <value>');
        if (name.text === '__proto__') Object.defineProperty(struct, '__proto__', { value: decodeValue(value), enumerable: true, writable: true, configurable: true });
        else struct[name.text] = decodeValue(value);
      }
      return struct;
    }
    default:
      throw new DecodeError(`unknown type <${typed.name}>`);
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

// Characters XML 1.0 cannot carry at all, even as references.
const UNSENDABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Python escapes only & < > and sends the rest raw. A control character in a
 * log (an ANSI colour, say) would make the whole response unparsable for
 * the client, so those become U+FFFD; supervisor would send them and fail.
 */
export function escapeText(text: string): string {
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
