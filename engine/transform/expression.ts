/**
 * JSONata expressions compiled once per config, with syntax errors mapped to the line and column in
 * the flow file (inside a block scalar) or in the .jsonata file.
 */
import jsonata from 'jsonata';
import { FerryError } from '../errors.js';
import { registerOdooHelpers } from './odoo-helpers.js';

export type Expression = jsonata.Expression;

/** Where an expression's text sits: maps a 0-based line/column inside the text to a file position. */
export interface ExpressionOrigin {
  file: string;
  field: string;
  at(line: number, col: number): { line: number; col: number };
}

export function compileExpression(text: string, origin: ExpressionOrigin): Expression {
  let expression: Expression;
  try {
    expression = jsonata(text);
  } catch (err) {
    const { position, message, code } = err as { position?: number; message?: string; code?: string };
    const { line, col } = positionIn(text, position ?? 0);
    throw new FerryError('FERRY_JSONATA_SYNTAX', `${origin.field}: ${message ?? 'invalid JSONata'}`, {
      context: { file: origin.file, ...origin.at(line, col), field: origin.field, jsonataCode: code },
      hint: 'see https://docs.jsonata.org for the syntax',
    });
  }
  registerOdooHelpers(expression);
  return expression;
}

/** JSONata positions point just past the offending token; report the token's first character. */
function positionIn(text: string, position: number): { line: number; col: number } {
  const offset = Math.max(0, Math.min(text.length, position - 1));
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line, col: offset - lineStart };
}

/** Origin for a whole .jsonata file. */
export function fileOrigin(file: string, field: string): ExpressionOrigin {
  return { file, field, at: (line, col) => ({ line: line + 1, col: col + 1 }) };
}
