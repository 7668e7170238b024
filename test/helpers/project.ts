/** Writes a throwaway flow project into a temp folder for config tests. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-project-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export const CONNECTIONS = `kind: Connection
name: odoo
type: odoo
url: http://127.0.0.1:8069
database: ferry
login: svc_3pl
api_key: \${secret:env:ODOO_API_KEY}
---
kind: Connection
name: threepl
type: http
base_url: http://127.0.0.1:8080
auth: { bearer: "\${secret:env:THREEPL_TOKEN}" }
`;

export const CONTRACT = JSON.stringify({
  type: 'object',
  required: ['ref'],
  properties: { ref: { type: 'string' } },
});

/** A valid flow; tests replace one line to break it. */
export const FLOW = `kind: Flow
name: orders
source:
  connection: odoo
  model: sale.order
  trigger: { poll: { every: 30s } }
  domain: [[state, "=", sale]]
  fields: [name, partner_id]
payload:
  version: v1
  versions:
    v1:
      schema: contract.json
      transform: |
        {
          "ref": name
        }
target:
  connection: threepl
  request: { method: POST, path: /orders }
`;

export function project(flow: string, extra: Record<string, string> = {}): string {
  return writeProject({
    'connections.yaml': CONNECTIONS,
    'flow.yaml': flow,
    'contract.json': CONTRACT,
    ...extra,
  });
}

/** Connections that take every address and credential from the environment (simulators in tests). */
export const ENV_CONNECTIONS = `kind: Connection
name: odoo
type: odoo
url: \${env:ODOO_URL}
database: \${env:ODOO_DB}
login: \${env:ODOO_LOGIN}
api_key: \${secret:env:ODOO_API_KEY}
---
kind: Connection
name: threepl
type: http
base_url: \${env:THREEPL_URL}
auth: { bearer: "\${secret:env:THREEPL_TOKEN}" }
`;
