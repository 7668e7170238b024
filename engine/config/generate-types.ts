/**
 * Generates TypeScript types from schemas/flow.schema.json, the single source of the flow-file language.
 * `npm run gen:types` writes them; a test fails when the committed file drifts from the schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const schemaPath = fileURLToPath(new URL('../../schemas/flow.schema.json', import.meta.url));
export const GENERATED_TYPES_PATH = fileURLToPath(new URL('./flow-types.generated.ts', import.meta.url));

export async function generateTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // Each $def becomes a named, exported type; the document type itself is a union of the kinds.
  const defs = Object.keys(schema.$defs as object);
  const wrapper = {
    $id: 'FlowFile',
    title: 'FlowFileTypes',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(defs.map((d) => [d, { $ref: `#/$defs/${d}` }])),
    $defs: Object.fromEntries(
      Object.entries(schema.$defs as Record<string, object>).map(([name, def]) => [
        name,
        { ...def, title: name },
      ]),
    ),
  };
  const body = await compile(wrapper as never, 'FlowFileTypes', {
    bannerComment:
      '/* Generated from schemas/flow.schema.json by `npm run gen:types`. Do not edit: edit the schema. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
  return body;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_TYPES_PATH, await generateTypes());
  console.log(`wrote ${GENERATED_TYPES_PATH}`);
}
