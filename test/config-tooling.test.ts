import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes, GENERATED_TYPES_PATH } from '../engine/config/generate-types.js';
import { CATALOGUE } from '../engine/errors.js';
import { loadConfig } from '../engine/config/load.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the flow-file schema is the single source', () => {
  it('committed TypeScript types match the schema (run `npm run gen:types` after editing it)', async () => {
    expect(readFileSync(GENERATED_TYPES_PATH, 'utf8')).toBe(await generateTypes());
  });

  it('every field has a description, a default and an example', () => {
    const schema = JSON.parse(readFileSync(`${root}/schemas/flow.schema.json`, 'utf8'));
    const missing: string[] = [];
    const visit = (node: any, path: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [name, prop] of Object.entries<any>(node.properties ?? {})) {
        const where = `${path}.${name}`;
        const isRef = typeof prop.$ref === 'string';
        const target = isRef ? schema.$defs[prop.$ref.split('/').pop()] : prop;
        for (const key of ['description', 'default', 'examples']) {
          if (!(key in prop) && !(key in target)) missing.push(`${where} ${key}`);
        }
        visit(prop, where);
      }
      for (const key of ['allOf', 'oneOf', 'anyOf']) (node[key] ?? []).forEach((n: any) => visit(n, path));
    };
    for (const [name, def] of Object.entries(schema.$defs)) visit(def, name);
    expect(missing).toEqual([]);
  });

  it('every error code is documented in docs/errors.md', () => {
    const docs = readFileSync(`${root}/docs/errors.md`, 'utf8');
    const undocumented = Object.keys(CATALOGUE).filter(
      (code) => !new RegExp(`^\\|\\s*${code}\\s*\\|`, 'm').test(docs),
    );
    expect(undocumented).toEqual([]);
  });

  it('the example flows load from a fresh checkout without any environment', () => {
    const config = loadConfig(`${root}/flows`, { env: {} });
    expect([...config.flows.keys()].sort()).toEqual(['partner-to-crm', 'shipment-to-3pl']);
    const shipment = config.flows.get('shipment-to-3pl')!;
    expect(shipment.payload.active).toBe('v2');
    expect(shipment.payload.shadow).toBe('v3');
    expect(Object.isFrozen(shipment.source.fields)).toBe(true);
  });
});
