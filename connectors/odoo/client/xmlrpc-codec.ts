/**
 * A minimal XML-RPC codec: enough of the spec for Odoo's `/xmlrpc/2` endpoints. Values decode to the
 * same JS shapes JSON-RPC gives (strings, numbers, booleans, arrays, plain objects), so records look
 * the same whichever protocol fetched them. Malformed input throws XmlRpcSyntaxError.
 */

export class XmlRpcSyntaxError extends Error {
  override name = 'XmlRpcSyntaxError';
}

export type XmlRpcResponse =
  { kind: 'result'; value: unknown } | { kind: 'fault'; code: unknown; message: string };

const INT_MAX = 2 ** 31 - 1;

export function encodeMethodCall(methodName: string, params: readonly unknown[]): string {
  const encoded = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${escapeText(methodName)}</methodName><params>${encoded}</params></methodCall>`;
}

function encodeValue(value: unknown): string {
  if (value === null || value === undefined) return '<value><nil/></value>';
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`XML-RPC cannot carry the number ${value}`);
    if (!Number.isInteger(value)) return `<value><double>${value}</double></value>`;
    return Math.abs(value) <= INT_MAX
      ? `<value><int>${value}</int></value>`
      : `<value><i8>${value}</i8></value>`;
  }
  if (typeof value === 'bigint') return `<value><i8>${value}</i8></value>`;
  if (typeof value === 'string') return `<value><string>${escapeText(value)}</string></value>`;
  if (Array.isArray(value))
    return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  if (typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<member><name>${escapeText(k)}</name>${encodeValue(v)}</member>`)
      .join('');
    return `<value><struct>${members}</struct></value>`;
  }
  throw new TypeError(`XML-RPC cannot carry a ${typeof value}`);
}

function escapeText(text: string): string {
  // \r is escaped because XML parsers turn a literal one into \n.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Decodes a `<methodResponse>`: the single result value, or the fault's code and string. */
export function decodeMethodResponse(xml: string): XmlRpcResponse {
  const root = new XmlReader(xml).document();
  if (root.name !== 'methodResponse')
    throw new XmlRpcSyntaxError(`expected <methodResponse>, got <${root.name}>`);
  const [body] = elementsOf(root);
  if (body?.name === 'fault') {
    const fault = decodeValue(only(body, 'value'));
    if (!fault || typeof fault !== 'object' || Array.isArray(fault))
      throw new XmlRpcSyntaxError('fault is not a struct');
    const { faultCode, faultString } = fault as Record<string, unknown>;
    return { kind: 'fault', code: faultCode, message: typeof faultString === 'string' ? faultString : '' };
  }
  if (body?.name !== 'params')
    throw new XmlRpcSyntaxError('methodResponse holds neither <params> nor <fault>');
  const param = only(body, 'param');
  return { kind: 'result', value: decodeValue(only(param, 'value')) };
}

/** Decodes a `<methodCall>`: for simulators and tests that check what the client sent. */
export function decodeMethodCall(xml: string): { methodName: string; params: unknown[] } {
  const root = new XmlReader(xml).document();
  if (root.name !== 'methodCall') throw new XmlRpcSyntaxError(`expected <methodCall>, got <${root.name}>`);
  const elements = elementsOf(root);
  const name = elements.find((e) => e.name === 'methodName');
  if (!name) throw new XmlRpcSyntaxError('<methodCall> has no <methodName>');
  const methodName = textOf(name);
  const params = elements.find((e) => e.name === 'params');
  return { methodName, params: params ? elementsOf(params).map((p) => decodeValue(only(p, 'value'))) : [] };
}

function decodeValue(value: XmlElement): unknown {
  // An untyped <value> is a string.
  if (value.children.every((child) => typeof child === 'string')) return textOf(value);
  const elements = elementsOf(value);
  const typed = elements[0];
  if (!typed || elements.length > 1) throw new XmlRpcSyntaxError('<value> must hold one typed value');
  switch (typed.name) {
    case 'string':
      return textOf(typed);
    case 'int':
    case 'i4':
    case 'i8':
      return parseNumber(typed, /^[+-]?\d+$/);
    case 'double':
      return parseNumber(typed, /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
    case 'boolean': {
      const text = textOf(typed).trim();
      if (text !== '0' && text !== '1') throw new XmlRpcSyntaxError(`bad boolean "${text}"`);
      return text === '1';
    }
    case 'nil':
      return null;
    case 'dateTime.iso8601':
      return odooDatetime(textOf(typed).trim());
    case 'base64':
      // Odoo sends binary fields as base64 text over JSON-RPC too: keep the text.
      return textOf(typed).replace(/\s+/g, '');
    case 'array': {
      const data = only(typed, 'data');
      return elementsOf(data).map((v) => {
        if (v.name !== 'value') throw new XmlRpcSyntaxError(`unexpected <${v.name}> in <data>`);
        return decodeValue(v);
      });
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const member of elementsOf(typed)) {
        if (member.name !== 'member') throw new XmlRpcSyntaxError(`unexpected <${member.name}> in <struct>`);
        const [name, memberValue, extra] = elementsOf(member);
        if (name?.name !== 'name' || memberValue?.name !== 'value' || extra) {
          throw new XmlRpcSyntaxError('<member> must hold a <name> and a <value>');
        }
        out[textOf(name)] = decodeValue(memberValue);
      }
      return out;
    }
    default:
      throw new XmlRpcSyntaxError(`unknown value type <${typed.name}>`);
  }
}

function parseNumber(element: XmlElement, pattern: RegExp): number {
  const text = textOf(element).trim();
  if (!pattern.test(text)) throw new XmlRpcSyntaxError(`bad <${element.name}> "${text}"`);
  return Number(text);
}

/** `20261204T19:38:31` (XML-RPC) → `2026-12-04 19:38:31` (what Odoo sends as text everywhere else). */
function odooDatetime(text: string): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(text);
  if (!match) throw new XmlRpcSyntaxError(`bad dateTime "${text}"`);
  const [, y, mo, d, h, mi, s] = match;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

interface XmlElement {
  name: string;
  children: (XmlElement | string)[];
}

function elementsOf(element: XmlElement): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string') elements.push(child);
    else if (child.trim() !== '') throw new XmlRpcSyntaxError(`unexpected text in <${element.name}>`);
  }
  return elements;
}

function only(element: XmlElement, name: string): XmlElement {
  const elements = elementsOf(element);
  if (elements.length !== 1 || elements[0]?.name !== name) {
    throw new XmlRpcSyntaxError(`<${element.name}> must hold exactly one <${name}>`);
  }
  return elements[0];
}

function textOf(element: XmlElement): string {
  return element.children
    .map((child) => {
      if (typeof child !== 'string')
        throw new XmlRpcSyntaxError(`unexpected <${child.name}> in <${element.name}>`);
      return child;
    })
    .join('');
}

const OPEN_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const CLOSE_TAG = /<\/([A-Za-z_][\w.:-]*)\s*>/y;

/** A small recursive-descent XML reader: elements and text; no DTDs, namespaces or attributes kept. */
class XmlReader {
  private pos = 0;

  constructor(private readonly xml: string) {}

  document(): XmlElement {
    this.skipMisc();
    const root = this.element();
    this.skipMisc();
    if (this.pos < this.xml.length) throw new XmlRpcSyntaxError('content after the root element');
    return root;
  }

  /** Skips whitespace, the XML declaration, processing instructions and comments. */
  private skipMisc(): void {
    for (;;) {
      while (this.pos < this.xml.length && /\s/.test(this.xml[this.pos] ?? '')) this.pos++;
      if (this.xml.startsWith('<?', this.pos)) this.pos = this.after('?>');
      else if (this.xml.startsWith('<!--', this.pos)) this.pos = this.after('-->');
      else return;
    }
  }

  private after(terminator: string): number {
    const end = this.xml.indexOf(terminator, this.pos);
    if (end < 0) throw new XmlRpcSyntaxError(`unterminated markup, expected "${terminator}"`);
    return end + terminator.length;
  }

  private element(): XmlElement {
    OPEN_TAG.lastIndex = this.pos;
    const open = OPEN_TAG.exec(this.xml);
    if (!open) throw new XmlRpcSyntaxError(`expected an element at offset ${this.pos}`);
    this.pos += open[0].length;
    const name = open[1] ?? '';
    const element: XmlElement = { name, children: [] };
    if (open[3] === '/') return element;
    for (;;) {
      if (this.pos >= this.xml.length) throw new XmlRpcSyntaxError(`<${name}> is not closed`);
      if (this.xml.startsWith('</', this.pos)) {
        CLOSE_TAG.lastIndex = this.pos;
        const close = CLOSE_TAG.exec(this.xml);
        if (close?.[1] !== name) throw new XmlRpcSyntaxError(`<${name}> closed by something else`);
        this.pos += close[0].length;
        return element;
      }
      if (this.xml.startsWith('<!--', this.pos)) this.pos = this.after('-->');
      else if (this.xml.startsWith('<![CDATA[', this.pos)) {
        const end = this.after(']]>');
        element.children.push(this.xml.slice(this.pos + 9, end - 3));
        this.pos = end;
      } else if (this.xml[this.pos] === '<') element.children.push(this.element());
      else {
        const end = this.xml.indexOf('<', this.pos);
        const stop = end < 0 ? this.xml.length : end;
        element.children.push(decodeEntities(this.xml.slice(this.pos, stop)));
        this.pos = stop;
      }
    }
  }
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  return normalised.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const named = NAMED_ENTITIES[entity];
    if (named === undefined) throw new XmlRpcSyntaxError(`unknown entity ${whole}`);
    return named;
  });
}
