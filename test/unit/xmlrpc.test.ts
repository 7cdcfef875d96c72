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

describe('decoding as the scanner reads: the one-match member and the general way agree', () => {
  const response = (members: string): string => `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n${members}</struct></value>\n</param>\n</params>\n</methodResponse>\n`;
  const decodeStruct = (members: string, limits?: Parameters<typeof decodeMethodResponse>[1]) => decodeMethodResponse(response(members), limits);
  const valueOf = (members: string): XmlRpcValue => {
    const decoded = decodeStruct(members);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
    assert.equal(decoded.value.kind, 'value');
    return (decoded.value as { value: XmlRpcValue }).value;
  };

  const table: Array<[string, string, XmlRpcValue]> = [
    ['as Python writes it (one match each)', '<member>\n<name>pid</name>\n<value><int>41</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n', { pid: 41, statename: 'RUNNING' }],
    ['every scalar type of the match', '<member><name>a</name><value><i4>-1</i4></value></member><member><name>b</name><value><i8> 7 </i8></value></member><member><name>c</name><value><boolean>1</boolean></value></member><member><name>d</name><value><double>0.5</double></value></member><member><name>e</name><value><string></string></value></member>', { a: -1, b: 7, c: true, d: 0.5, e: '' }],
    ['entities and CR LF in a matched member', '<member>\r\n<name>a&amp;b</name>\r\n<value><string>x &lt;y&gt;\r\nz&#9;</string></value>\r\n</member>\r\n', { 'a&b': 'x <y>\nz\t' }],
    ['space inside a tag', '<member ><name>pid</name ><value><int>41</int></value></member>', { pid: 41 }],
    ['a comment inside a member', '<member><name>pid</name><!-- the pid --><value><int>41</int></value></member>', { pid: 41 }],
    ['CDATA in a value', '<member><name>s</name><value><string><![CDATA[<raw> & ]]></string></value></member>', { s: '<raw> & ' }],
    ['an untyped value', '<member><name>s</name><value> bare </value></member>', { s: ' bare ' }],
    ['an empty-element string and a nil', '<member><name>s</name><value><string/></value></member><member><name>n</name><value><nil/></value></member>', { s: '', n: null }],
    ['the value before the name', '<member><value><int>1</int></value><name>a</name></member>', { a: 1 }],
    ['text between members, ignored as before', 'junk<member><name>a</name><value><int>1</int></value></member>more', { a: 1 }],
    ['matched members after a general one', '<member><name>a</name><value><array><data><value><int>1</int></value></data></array></value></member>\n<member>\n<name>b</name>\n<value><int>2</int></value>\n</member>\n', { a: [1], b: 2 }],
  ];
  for (const [what, members, value] of table) {
    it(what, () => assert.deepEqual(valueOf(members), value));
  }

  it('a matched "__proto__" member is a plain key, never the prototype', () => {
    const value = valueOf('<member>\n<name>__proto__</name>\n<value><string>x</string></value>\n</member>\n') as Record<string, XmlRpcValue>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, 'x');
  });

  const errors: Array<[string, string, RegExp]> = [
    ['a bad int in a matched member', '<member><name>a</name><value><int>1x</int></value></member>', /bad <int> "1x"/],
    ['a bad boolean in a matched member', '<member><name>a</name><value><boolean>2</boolean></value></member>', /bad <boolean>/],
    ['an unknown type where the match would be', '<member><name>a</name><value><blob>1</blob></value></member>', /unknown type <blob>/],
    ['mismatched tags where the match would be', '<member><name>a</name><value><int>1</string></value></member>', /mismatched closing tag <\/string>/],
    ['a member without a name', '<member><value><int>1</int></value></member>', /a <member> holds one <name> and one <value>/],
    ['something else than a member', '<value><int>1</int></value>', /expected <member>, got <value>/],
    ['an undefined entity in a matched member', '<member><name>a</name><value><string>&nbsp;</string></value></member>', /undefined entity/],
  ];
  for (const [what, members, message] of errors) {
    it(`refuses ${what}`, () => {
      const decoded = decodeStruct(members);
      assert.equal(decoded.ok, false);
      assert.match((decoded as { error: string }).error, message);
    });
  }

  it('keeps the element limit at the very member the tree reader stopped at', () => {
    const members = '<member>\n<name>a</name>\n<value><int>1</int></value>\n</member>\n'.repeat(10);
    // methodResponse, params, param, value, struct, and 4 per member.
    const limits = (maxElements: number) => ({ maxBytes: 1 << 20, maxDepth: 64, maxElements });
    assert.equal(decodeStruct(members, limits(5 + 40)).ok, true);
    assert.deepEqual(decodeStruct(members, limits(5 + 39)), { ok: false, error: 'too many elements' });
    assert.deepEqual(readXml(response(members), limits(5 + 39)), { ok: false, error: 'too many elements' });
  });

  it('keeps the depth limit inside a matched member', () => {
    const member = '<member><name>a</name><value><int>1</int></value></member>';
    // methodResponse > params > param > value > struct > member > value > int: 8 deep.
    const limits = (maxDepth: number) => ({ maxBytes: 1 << 20, maxDepth, maxElements: 1000 });
    assert.equal(decodeStruct(member, limits(8)).ok, true);
    assert.deepEqual(decodeStruct(member, limits(7)), { ok: false, error: 'elements nested too deeply' });
  });

  it('checks what follows the root as the tree reader did', () => {
    assert.deepEqual(decodeMethodResponse(`${response('')}junk`), { ok: false, error: 'text outside the root element' });
    assert.deepEqual(decodeMethodResponse(`${response('')}<methodResponse/>`), { ok: false, error: 'content after the root element' });
    assert.equal(decodeMethodResponse(`${response('')}<!-- a comment -->\n`).ok, true);
  });

  it('readXml still gives the tree: an element\'s own text across comments and CDATA, without its children\'s', () => {
    const read = readXml('<a>x<!-- c -->y<b>inner</b><![CDATA[<z>]]></a>');
    assert.deepEqual(read, { ok: true, root: { name: 'a', text: 'xy<z>', children: [{ name: 'b', text: 'inner', children: [] }] } });
  });
});
