/** Maps positions inside a YAML scalar holding a JSONata expression back to the flow file. */
import { isScalar, Scalar } from 'yaml';
import type { ExpressionOrigin } from '../transform/expression.js';
import type { Path, SourceDocument } from './yaml-source.js';

export function yamlOrigin(doc: SourceDocument, path: Path): ExpressionOrigin {
  const field = path.join('.');
  const found = doc.nodeAt(path);
  const node = found?.node;
  if (!found || !isScalar(node) || !node.range) {
    const start = doc.locate(path);
    return { file: doc.file, field, at: () => start };
  }
  const { text } = found;
  const start = node.range[0];
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // Content starts on the line after the `|` header, indented; literal blocks keep lines one to one.
    const contentStart = text.indexOf('\n', start) + 1;
    const first = doc.position(contentStart);
    const indent = /^ */.exec(text.slice(contentStart))![0].length;
    return { file: doc.file, field, at: (line, col) => ({ line: first.line + line, col: indent + col + 1 }) };
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  return {
    file: doc.file,
    field,
    at: (line, col) => {
      const base = doc.position(start + quoted + (line === 0 ? col : 0));
      return line === 0 ? base : { line: base.line + line, col: col + 1 };
    },
  };
}
