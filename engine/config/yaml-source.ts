/**
 * Flow files parsed with source positions kept, so every error can name file:line:col.
 * A path into a document (['payload', 'versions', 'v2', 'transform']) maps back to the node it came from.
 */
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  parseAllDocuments,
  isMap,
  isSeq,
  isScalar,
  isPair,
  type Document,
  type Node,
} from 'yaml';
import { FerryError } from '../errors.js';

export type Path = (string | number)[];

export interface SourceDocument {
  file: string;
  index: number;
  value: unknown;
  /** Position of the node at `path`; `key: true` points at a map key rather than its value. */
  locate(path: Path, options?: { key?: boolean }): { line: number; col: number };
  /** The node at `path` and the file text (for mapping positions inside a block scalar). */
  nodeAt(path: Path): { node: Node; text: string } | undefined;
  /** 1-based line and column of an offset in the file. */
  position(offset: number): { line: number; col: number };
}

export interface ParsedFile {
  file: string;
  documents: SourceDocument[];
  errors: FerryError[];
}

export function parseYamlFile(file: string, text = readFileSync(file, 'utf8')): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [docs];
  const errors: FerryError[] = [];
  const documents: SourceDocument[] = [];
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };

  list.forEach((doc, index) => {
    for (const error of doc.errors) {
      const { line, col } = position(error.pos[0]);
      errors.push(
        new FerryError('FERRY_YAML_SYNTAX', firstLine(error.message), { context: { file, line, col } }),
      );
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const nodeAt = (path: Path): Node | undefined => findNode(doc.contents as Node, path);
    documents.push({
      file,
      index,
      value: doc.toJS({ maxAliasCount: 100 }),
      locate(path, options = {}) {
        // Walk back up the path until a node exists: a missing key is reported at its parent.
        for (let depth = path.length; depth >= 0; depth--) {
          const sub = path.slice(0, depth);
          if (options.key && depth === path.length) {
            const keyNode = findKeyNode(doc.contents as Node, sub);
            if (keyNode?.range) return position(keyNode.range[0]);
          }
          const node = nodeAt(sub);
          if (node?.range) return position(node.range[0]);
        }
        return { line: 1, col: 1 };
      },
      nodeAt(path) {
        const node = nodeAt(path);
        return node ? { node, text } : undefined;
      },
      position,
    });
  });
  return { file, documents, errors };
}

function findNode(root: Node, path: Path): Node | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node as Node | undefined;
}

function findKeyNode(root: Node, path: Path): Node | undefined {
  const parent = findNode(root, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const last = String(path[path.length - 1]);
  const pair = parent.items.find(
    (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === last,
  );
  return pair?.key as Node | undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
