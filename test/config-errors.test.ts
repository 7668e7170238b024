import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import { FerryErrors, type FerryError } from '../engine/errors.js';
import { CONNECTIONS, FLOW, project, writeProject } from './helpers/project.js';

const env = { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' };

function errorsOf(dir: string, options = {}): FerryError[] {
  try {
    loadConfig(dir, { env, ...options });
  } catch (err) {
    if (err instanceof FerryErrors) return err.errors;
    throw err;
  }
  return [];
}

/** The single error of a broken project, as file (relative), line, col and code. */
function only(dir: string, options = {}) {
  const errors = errorsOf(dir, options);
  expect(errors.map((e) => e.format())).toHaveLength(1);
  const [e] = errors as [FerryError];
  return {
    file: e.context.file!.slice(dir.length + 1),
    line: e.context.line,
    col: e.context.col,
    code: e.code,
    e,
  };
}

describe('flow-file errors point at file, line and column', () => {
  it('loads the valid project', () => {
    const config = loadConfig(project(FLOW), { env });
    expect([...config.flows.keys()]).toEqual(['orders']);
    expect(config.flows.get('orders')!.source.trigger).toMatchObject({ kind: 'poll', everyMs: 30_000 });
  });

  it('broken YAML', () => {
    const dir = project(FLOW.replace('  model: sale.order', '  model: sale.order: x'));
    expect(only(dir)).toMatchObject({ file: 'flow.yaml', line: 5, col: 10, code: 'FERRY_YAML_SYNTAX' });
  });

  it('wrong type', () => {
    const dir = project(FLOW.replace('[name, partner_id]', 'name'));
    expect(only(dir)).toMatchObject({ file: 'flow.yaml', line: 8, col: 11, code: 'FERRY_SCHEMA' });
  });

  it('unknown key, with a suggestion', () => {
    const dir = project(FLOW.replace('  fields:', '  feilds: [x]\n  fields:'));
    const e = only(dir);
    expect(e).toMatchObject({ file: 'flow.yaml', line: 8, col: 3, code: 'FERRY_UNKNOWN_KEY' });
    expect(e.e.hint).toBe('did you mean "fields"?');
  });

  it('duplicate flow name', () => {
    const dir = project(`${FLOW}---\n${FLOW}`);
    expect(only(dir)).toMatchObject({ file: 'flow.yaml', line: 23, col: 7, code: 'FERRY_DUPLICATE_NAME' });
  });

  it('unknown connection', () => {
    const dir = project(FLOW.replace('connection: threepl', 'connection: threepI'));
    const e = only(dir);
    expect(e).toMatchObject({ file: 'flow.yaml', line: 19, col: 15, code: 'FERRY_UNKNOWN_CONNECTION' });
    expect(e.e.hint).toBe('did you mean "threepl"?');
  });

  it('connection of the wrong type', () => {
    const dir = project(FLOW.replace('connection: threepl', 'connection: odoo'));
    expect(only(dir)).toMatchObject({ line: 19, col: 15, code: 'FERRY_CONNECTION_TYPE' });
  });

  it('unknown payload version', () => {
    const dir = project(FLOW.replace('version: v1', 'version: v2'));
    expect(only(dir)).toMatchObject({ line: 10, col: 12, code: 'FERRY_UNKNOWN_VERSION' });
  });

  it('missing contract file', () => {
    const dir = project(FLOW.replace('schema: contract.json', 'schema: missing.json'));
    expect(only(dir)).toMatchObject({ line: 13, col: 15, code: 'FERRY_FILE_NOT_FOUND' });
  });

  it('JSONata syntax error inside a block scalar', () => {
    const dir = project(FLOW.replace('"ref": name', '"ref": name &'));
    // line 16 of the file is `    "ref": name &`; the error is at the end of the expression, reported at `}`
    expect(only(dir)).toMatchObject({ file: 'flow.yaml', line: 17, col: 9, code: 'FERRY_JSONATA_SYNTAX' });
  });

  it('JSONata syntax error in a .jsonata file', () => {
    const dir = project(
      FLOW.replace(/transform: \|\n[\s\S]*?\n {8}}\n/, 'transform: { file: t.jsonata }\n'),
      {
        't.jsonata': '{\n  "ref": $uppercase(name\n}\n',
      },
    );
    expect(only(dir)).toMatchObject({ file: 't.jsonata', line: 3, col: 1, code: 'FERRY_JSONATA_SYNTAX' });
  });

  it('contract that is not a JSON Schema', () => {
    const dir = project(FLOW, { 'contract.json': '{"type": "objekt"}' });
    expect(only(dir)).toMatchObject({ line: 13, col: 15, code: 'FERRY_CONTRACT_SCHEMA' });
  });

  it('bad duration', () => {
    const dir = project(FLOW.replace('every: 30s', 'every: 30 seconds'));
    expect(only(dir)).toMatchObject({ line: 6, col: 29, code: 'FERRY_DURATION' });
  });

  it('domain not in prefix notation', () => {
    const dir = project(FLOW.replace('[[state, "=", sale]]', '["|", [state, "=", sale]]'));
    expect(only(dir)).toMatchObject({ line: 7, col: 11, code: 'FERRY_DOMAIN' });
  });

  it('domain operator that does not exist', () => {
    const dir = project(FLOW.replace('[[state, "=", sale]]', '[[state, "==", sale]]'));
    const e = only(dir);
    expect(e).toMatchObject({ line: 7, col: 12, code: 'FERRY_DOMAIN' });
    expect(e.e.hint).toBe('did you mean "="?');
  });

  it('literal secret is refused; a reference passes', () => {
    const literal = writeProject({
      'c.yaml': CONNECTIONS.replace('${secret:env:ODOO_API_KEY}', 'abc123'),
      'flow.yaml': FLOW,
      'contract.json': '{}',
    });
    expect(only(literal)).toMatchObject({ file: 'c.yaml', line: 7, col: 10, code: 'FERRY_LITERAL_SECRET' });
    expect(errorsOf(project(FLOW))).toEqual([]);
  });

  it('malformed reference, unknown provider and missing env var, all at once', () => {
    const dir = writeProject({
      'c.yaml': CONNECTIONS.replace('http://127.0.0.1:8069', '${env:ODOO_URL}')
        .replace('database: ferry', 'database: ${env:}')
        .replace('${secret:env:THREEPL_TOKEN}', '${secret:vualt:kv/3pl#token}'),
      'flow.yaml': FLOW,
      'contract.json': '{}',
    });
    const errors = errorsOf(dir);
    expect(errors.map((e) => [e.code, e.context.line, e.context.col])).toEqual([
      ['FERRY_ENV_MISSING', 4, 6],
      ['FERRY_REFERENCE', 5, 11],
      ['FERRY_UNKNOWN_PROVIDER', 13, 17],
    ]);
    expect(errors[2]!.hint).toBe('available: env, file');
  });

  it('reports every error of a run, sorted by file and line', () => {
    const dir = project(
      FLOW.replace('every: 30s', 'every: soon')
        .replace('version: v1', 'version: v9')
        .replace('"ref": name', '"ref": ('),
    );
    const errors = errorsOf(dir);
    expect(errors.map((e) => e.code)).toEqual(['FERRY_DURATION']);
    // The duration breaks the schema, so that document's deeper checks wait; fix it and the rest shows.
    const fixed = project(FLOW.replace('version: v1', 'version: v9').replace('"ref": name', '"ref": ('));
    expect(errorsOf(fixed).map((e) => e.code)).toEqual(['FERRY_UNKNOWN_VERSION', 'FERRY_JSONATA_SYNTAX']);
  });

  it('names the path relative to the project in every error line', () => {
    const dir = project(FLOW.replace('every: 30s', 'every: 30x'));
    const [e] = errorsOf(dir);
    expect(e!.format()).toBe(
      `${join(dir, 'flow.yaml')}:6:29  FERRY_DURATION  source.trigger.poll.every: "30x" is not a duration`,
    );
  });
});
