/** `ferry doctor` against the Odoo simulator: the preflight table, admin refused, secrets checked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
let odoo: OdooSimulator;

beforeAll(async () => {
  odoo = await startOdooSimulator({ port: 0 });
});
afterAll(async () => {
  await odoo?.close();
});

async function doctor(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(root, 'bin', 'ferry.js'), 'doctor', 'flows'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ODOO_URL: odoo.url, ODOO_DB: odoo.database, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    return err as { code: number; stdout: string; stderr: string };
  }
}

describe('ferry doctor', () => {
  it('prints the preflight table for the service account and passes', async () => {
    const out = await doctor({
      ODOO_LOGIN: odoo.service.login,
      ODOO_API_KEY: odoo.service.apiKey,
      THREEPL_TOKEN: 'x-token',
    });
    expect(out.stdout).toContain(`Odoo connection "odoo" as ${odoo.service.login}`);
    expect(out.stdout).toMatch(/FLOW\s+CHECK\s+SUBJECT\s+STATUS/);
    expect(out.stdout).toMatch(/shipment-to-3pl\s+rights\s+read stock\.picking\s+ok/);
    expect(out.stdout).toContain('secret ${secret:env:THREEPL_TOKEN} (connection threepl): ok');
    expect(out.stdout).not.toContain('x-token');
    expect(out.code).toBe(0);
  });

  it('refuses the admin login and reports a missing secret, exit 1', async () => {
    const out = await doctor({ ODOO_LOGIN: odoo.admin.login, ODOO_API_KEY: odoo.admin.apiKey });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/admin\s+.*MISSING/);
    expect(out.stdout).toContain('FERRY_ODOO_ADMIN_REFUSED');
    expect(out.stdout).toMatch(/THREEPL_TOKEN.*MISSING/);
  });
});
