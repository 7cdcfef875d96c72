import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readXml } from '../../src/control/xml-reader';
import { decodeMethodCall, decodeMethodResponse, encodeFault, encodeMethodCall, encodeMethodResponse, encodeValue, escapeText, pythonFloatRepr, type XmlRpcValue } from '../../src/control/xmlrpc';
import { FIXTURES } from '../helpers/paths';

const CAPTURES = path.join(FIXTURES, 'supervisor-4.2.5');

/** The body of a raw HTTP message. */
function body(file: string): string {
  const raw = fs.readFileSync(file, 'latin1');
  return Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8');
}

/** JSON's view of a value: structs as plain objects. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function call(params: string): string {
  return `<?xml version='1.0'?>\n<methodCall>\n<methodName>m.x</methodName>\n<params>\n${params}</params>\n</methodCall>\n`;
}

function param(value: string): string {
  return `<param>\n<value>${value}</value>\n</param>\n`;
}

function decodeOne(value: string): XmlRpcValue {
  const decoded = decodeMethodCall(call(param(value)));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  return decoded.value.params[0];
}

describe('xmlrpc against supervisor 4.2.5 captures', () => {
  const rpcDirs = fs.readdirSync(path.join(CAPTURES, 'rpc'));

  it('decodes every captured request to the params Python sent, and re-encodes it byte for byte', () => {
    assert.ok(rpcDirs.length >= 39);
    for (const dir of rpcDirs) {
      const text = body(path.join(CAPTURES, 'rpc', dir, 'request.http'));
      const expected = JSON.parse(fs.readFileSync(path.join(CAPTURES, 'rpc', dir, 'call.json'), 'utf8'));
      const decoded = decodeMethodCall(text);
      assert.ok(decoded.ok, `${dir}: ${decoded.ok ? '' : decoded.error}`);
      assert.equal(decoded.value.methodName, expected.method, dir);
      assert.deepEqual(plain(decoded.value.params), expected.params, dir);
      assert.equal(encodeMethodCall(decoded.value.methodName, decoded.value.params), text, dir);
    }
  });

  it('re-encodes captured responses (values and faults) byte for byte', () => {
    const files = fs.readdirSync(path.join(CAPTURES, 'responses')).filter((f) => !f.includes('request') && f !== '401.http');
    assert.ok(files.length >= 7);
    for (const file of files) {
      const text = body(path.join(CAPTURES, 'responses', file));
      const decoded = decodeMethodResponse(text);
      assert.ok(decoded.ok, `${file}: ${decoded.ok ? '' : decoded.error}`);
      const response = decoded.value;
      const again = response.kind === 'fault' ? encodeFault(response.faultCode, response.faultString) : encodeMethodResponse(response.value);
      assert.equal(again, text, file);
    }
  });

  it('writes a fault as supervisor does', () => {
    assert.equal(encodeFault(10, 'BAD_NAME: nosuch'), body(path.join(CAPTURES, 'responses', 'fault-bad-name.http')));
  });
});

describe('xmlrpc values', () => {
  const table: Array<[string, XmlRpcValue]> = [
    ['<int>42</int>', 42],
    ['<i4>-7</i4>', -7],
    ['<i8> 9007199254740991 </i8>', 9007199254740991],
    ['<boolean>1</boolean>', true],
    ['<boolean>0</boolean>', false],
    ['<double>-2.5</double>', -2.5],
    ['<double>1e+16</double>', 1e16],
    ['<string>a &amp; b &lt;c&gt; &quot;&apos; &#233;&#x263A;</string>', 'a & b <c> "\' é☺'],
    ['<string></string>', ''],
    ['<string/>', ''],
    ['untyped  text ', 'untyped  text '],
    ['', ''],
    ['<string><![CDATA[<raw> & stuff]]></string>', '<raw> & stuff'],
    ['<string>line1\r\nline2\rline3</string>', 'line1\nline2\nline3'],
    ['<nil/>', null],
    ['<dateTime.iso8601>20261129T18:21:49</dateTime.iso8601>', new Date(Date.UTC(2026, 10, 29, 18, 21, 49))],
    ['<base64>aGVs\nbG8=</base64>', new Uint8Array([104, 101, 108, 108, 111])],
    ['<array><data>\n<value><int>1</int></value>\n<value>x</value>\n</data></array>', [1, 'x']],
  ];
  for (const [xml, value] of table) {
    it(`decodes ${JSON.stringify(xml).slice(0, 60)}`, () => assert.deepEqual(decodeOne(xml), value));
  }

  it('decodes a struct key "__proto__" as a plain key, never as the prototype', () => {
    const value = decodeOne('<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value>yes</value></member></struct></value></member><member><name>a</name><value><string>b</string></value></member></struct>') as Record<string, XmlRpcValue>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal((value as { polluted?: string }).polluted, undefined);
    assert.deepEqual(Object.keys(value), ['__proto__', 'a']);
    assert.deepEqual({ ...(value.__proto__ as object) }, { polluted: 'yes' });
    assert.equal(({} as Record<string, unknown>).a, undefined);
  });

  it('accepts a call without <params>, as supervisor does', () => {
    const decoded = decodeMethodCall('<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName></methodCall>');
    assert.deepEqual(decoded, { ok: true, value: { methodName: 'supervisor.getState', params: [] } });
  });

  it('encodes each type as Python does', () => {
    assert.equal(encodeValue(3), '<value><int>3</int></value>\n');
    assert.equal(encodeValue(2 ** 31), '<value><double>2147483648.0</double></value>\n');
    assert.equal(encodeValue(0.5), '<value><double>0.5</double></value>\n');
    assert.equal(encodeValue(true), '<value><boolean>1</boolean></value>\n');
    assert.equal(encodeValue(null), '<value><nil/></value>\n');
    assert.equal(encodeValue('a&<>"\''), '<value><string>a&amp;&lt;&gt;"\'</string></value>\n');
    assert.equal(encodeValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '<value><dateTime.iso8601>20260102T03:04:05</dateTime.iso8601></value>\n');
    assert.equal(encodeValue(new Uint8Array(60).fill(65)), `<value><base64>\n${'QUFB'.repeat(19)}\n${'QUFB'.repeat(1)}\n</base64></value>\n`);
    assert.equal(encodeValue([]), '<value><array><data>\n</data></array></value>\n');
    assert.equal(encodeValue({}), '<value><struct>\n</struct></value>\n');
  });

  it('round-trips nested values', () => {
    const value: XmlRpcValue = { list: [1, -2, 'three', [true, null], { deep: 'é\u{1F600}' }], when: new Date(Date.UTC(2030, 5, 6, 7, 8, 9)), pi: 3.14159 };
    const decoded = decodeMethodResponse(encodeMethodResponse(value));
    assert.ok(decoded.ok);
    assert.deepEqual(plain(decoded.value), plain({ kind: 'value', value }));
  });

  it("repr()s floats as Python", () => {
    const table: Array<[number, string]> = [
      [1, '1.0'], [0.1, '0.1'], [-2.5, '-2.5'], [1e16, '1e+16'], [1.5e-5, '1.5e-05'], [0.0001, '0.0001'],
      [123456789.125, '123456789.125'], [3e9, '3000000000.0'], [1e300, '1e+300'], [9999999999999998, '9999999999999998.0'], [-0, '-0.0'],
    ];
    for (const [x, repr] of table) assert.equal(pythonFloatRepr(x), repr, String(x));
  });

  it('sends characters XML cannot carry as U+FFFD (Python would send them raw and break the client)', () => {
    assert.equal(escapeText('\x1b[31mred\x1b[0m\ttab\n'), '\uFFFD[31mred\uFFFD[0m\ttab\n');
    assert.equal(escapeText('lone \uD800 surrogate, pair \u{1F600}'), 'lone \uFFFD surrogate, pair \u{1F600}');
  });
});

describe('hostile and malformed input is an error value, never a throw', () => {
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<methodCall><methodName>&lol3;</methodName></methodCall>`;
  const deep = (n: number): string => call(param('<array><data><value>'.repeat(n) + '1' + '</value></data></array>'.repeat(n)));
  const table: Array<[string, string | Uint8Array, RegExp]> = [
    ['an entity-expansion document', laughs, /DOCTYPE/],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>&e;</methodName></methodCall>', /DOCTYPE/],
    ['an undefined entity', call(param('<string>&nbsp;</string>')), /undefined entity/],
    ['a bare ampersand', call(param('<string>a & b</string>')), /entity reference/],
    ['a reference to a forbidden character', call(param('<string>&#0;</string>')), /not allowed/],
    ['a raw control character', call(param('<string>\x01</string>')), /not allowed/],
    ['nesting beyond the limit', deep(40), /nested too deeply/],
    ['a huge body', call(param(`<string>${'x'.repeat(3 * 1024 * 1024)}</string>`)), /too large/],
    ['a processing instruction', `<?xml version="1.0"?><?php evil() ?><methodCall><methodName>a.b</methodName></methodCall>`, /processing instructions/],
    ['an unclosed element', '<methodCall><methodName>a.b</methodName>', /unclosed/],
    ['mismatched tags', '<methodCall><methodName>a.b</methodCall></methodName>', /mismatched/],
    ['text after the root', '<methodCall><methodName>a.b</methodName></methodCall>junk', /outside the root/],
    ['two roots', '<methodCall><methodName>a.b</methodName></methodCall><methodCall/>', /after the root/],
    ['no method name', '<methodCall><params/></methodCall>', /no method name/],
    ['another root', '<methodResponse/>', /expected <methodCall>/],
    ['invalid UTF-8', new Uint8Array([0x3c, 0x61, 0xff, 0x3e]), /UTF-8/],
    ['an unsupported encoding', '<?xml version="1.0" encoding="UTF-16"?><methodCall/>', /encoding/],
    ['a bad int', call(param('<int>12abc</int>')), /bad <int>/],
    ['an int beyond 2^53', call(param('<int>99999999999999999999</int>')), /bad <int>/],
    ['a bad boolean', call(param('<boolean>yes</boolean>')), /bad <boolean>/],
    ['a bad double', call(param('<double>1.2.3</double>')), /bad <double>/],
    ['bad base64', call(param('<base64>!!!</base64>')), /bad <base64>/],
    ['an unknown type', call(param('<blob>1</blob>')), /unknown type/],
    ['a struct member without a value', call(param('<struct><member><name>a</name></member></struct>')), /member/],
    ['an empty document', '', /no root/],
    ['an unterminated comment', '<methodCall><!-- x', /comment/],
  ];
  for (const [what, input, message] of table) {
    it(`refuses ${what}`, () => {
      const started = Date.now();
      const decoded = decodeMethodCall(input);
      assert.equal(decoded.ok, false);
      assert.match((decoded as { error: string }).error, message);
      assert.ok(Date.now() - started < 1000, 'answered quickly');
    });
  }

  it('bounds the number of elements', () => {
    const many = call(param(`<array><data>${'<value><int>1</int></value>'.repeat(70_000)}</data></array>`));
    const decoded = readXml(many, { maxBytes: 10 * 1024 * 1024, maxDepth: 64, maxElements: 100_000 });
    assert.deepEqual(decoded, { ok: false, error: 'too many elements' });
  });

  it('decodes nesting within the limit', () => {
    const decoded = decodeMethodCall(deep(15));
    assert.ok(decoded.ok);
  });
});
