/**
 * A minimal XML-RPC codec: parses `<methodCall>` (int/i4/i8, boolean, string, double, array, struct,
 * nil, dateTime.iso8601, base64) and writes `<methodResponse>` and faults the way Odoo's marshaller
 * does, byte for byte (Python's escaping of & < >, one element per line, floats as repr()).
 */
import { OdooError } from './errors.js';
import { PyFloat, pyFloatRepr } from './pyjson.js';

export interface MethodCall {
  methodName: string;
  params: unknown[];
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);

/** Python's `xml.parsers.expat.ExpatError` equivalent, answered as fault 1. */
function malformed(detail: string): OdooError {
  return new OdooError('xml.parsers.expat.ExpatError', detail, 'other');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_m, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[lower] ?? '';
  });
}

/** Parses an XML document into a small tree (no namespaces, no attributes kept). */
function parseXml(source: string): XmlNode {
  let pos = 0;
  const skipProlog = () => {
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos] as string)) pos++;
      if (
        source.startsWith('<?', pos) ||
        source.startsWith('<!--', pos) ||
        source.startsWith('<!DOCTYPE', pos)
      ) {
        const end = source.indexOf(source.startsWith('<!--', pos) ? '-->' : '>', pos);
        if (end < 0) throw malformed('unclosed token: line 1');
        pos = end + 1;
      } else return;
    }
  };
  const element = (): XmlNode => {
    const open = /^<([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/.exec(source.slice(pos));
    if (!open) throw malformed(`syntax error: line 1, column ${pos}`);
    pos += open[0].length;
    const node: XmlNode = { name: open[1] as string, children: [], text: '' };
    if (open[2] === '/') return node;
    for (;;) {
      if (pos >= source.length) throw malformed(`no element found: line 1, column ${pos}`);
      if (source.startsWith('</', pos)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(pos));
        if (!close || close[1] !== node.name) throw malformed(`mismatched tag: line 1, column ${pos}`);
        pos += close[0].length;
        return node;
      }
      if (source.startsWith('<![CDATA[', pos)) {
        const end = source.indexOf(']]>', pos);
        if (end < 0) throw malformed('unclosed CDATA section');
        node.text += source.slice(pos + 9, end);
        pos = end + 3;
      } else if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos);
        pos = end < 0 ? source.length : end + 3;
      } else if (source[pos] === '<') {
        node.children.push(element());
      } else {
        const next = source.indexOf('<', pos);
        const end = next < 0 ? source.length : next;
        node.text += decodeEntities(source.slice(pos, end));
        pos = end;
      }
    }
  };
  skipProlog();
  return element();
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

function decodeValue(value: XmlNode): unknown {
  const typed = value.children[0];
  if (!typed) return value.text;
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(typed.text.trim());
      if (!Number.isInteger(n))
        throw new OdooError('builtins.ValueError', `invalid literal for int(): '${typed.text}'`, 'other');
      return n;
    }
    case 'boolean':
      return typed.text.trim() === '1';
    case 'string':
      return typed.text;
    case 'double':
      return Number(typed.text.trim());
    case 'nil':
      return null;
    case 'dateTime.iso8601': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(typed.text.trim());
      return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : typed.text;
    }
    case 'base64':
      return Buffer.from(typed.text.trim(), 'base64').toString('latin1');
    case 'array':
      return (child(typed, 'data')?.children ?? []).filter((c) => c.name === 'value').map(decodeValue);
    case 'struct': {
      const result: Record<string, unknown> = {};
      for (const member of typed.children.filter((c) => c.name === 'member')) {
        const name = child(member, 'name')?.text ?? '';
        const inner = child(member, 'value');
        result[name] = inner ? decodeValue(inner) : '';
      }
      return result;
    }
    default:
      throw new OdooError('builtins.TypeError', `unknown XML-RPC type ${typed.name}`, 'other');
  }
}

export function parseMethodCall(xml: string): MethodCall {
  const root = parseXml(xml);
  if (root.name !== 'methodCall') throw new OdooError('builtins.ResponseError', 'ResponseError()', 'other');
  const methodName = child(root, 'methodName')?.text.trim() ?? '';
  const params = (child(root, 'params')?.children ?? [])
    .filter((p) => p.name === 'param')
    .map((p) => {
      const value = child(p, 'value');
      return value ? decodeValue(value) : '';
    });
  return { methodName, params };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Marshals a value as Python's xmlrpc.client does; None is refused like Odoo (allow_none=False). */
export function encodeValue(value: unknown): string {
  if (value === null || value === undefined) {
    throw new OdooError('builtins.TypeError', 'cannot marshal None unless allow_none is enabled', 'other');
  }
  if (value instanceof PyFloat) return `<value><double>${pyFloatRepr(value.value)}</double></value>\n`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>\n`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `<value><double>${pyFloatRepr(value)}</double></value>\n`;
    if (value > MAXINT || value < MININT) {
      throw new OdooError('builtins.OverflowError', 'int exceeds XML-RPC limits', 'other');
    }
    return `<value><int>${value}</int></value>\n`;
  }
  if (typeof value === 'string') return `<value><string>${escape(value)}</string></value>\n`;
  if (Array.isArray(value))
    return `<value><array><data>\n${value.map(encodeValue).join('')}</data></array></value>\n`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `<member>\n<name>${escape(k)}</name>\n${encodeValue(v)}</member>\n`)
      .join('');
    return `<value><struct>\n${members}</struct></value>\n`;
  }
  return `<value><string>${escape(String(value))}</string></value>\n`;
}

function envelope(inner: string): string {
  return `<?xml version="1.0"?>\n<methodResponse>\n${inner}\n</methodResponse>\n`;
}

export function encodeResponse(value: unknown): string {
  return envelope(`<params>\n<param>\n${encodeValue(value)}</param>\n</params>\n`);
}

export function encodeFault(faultCode: number, faultString: string): string {
  return envelope(`<fault>\n${encodeValue({ faultCode, faultString })}</fault>\n`);
}
