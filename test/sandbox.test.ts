/** The README's main command: `ferry sandbox` runs the example flows end to end and exits 0. */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('ferry sandbox', () => {
  it('delivers, dead-letters one picking into its chatter, and delivers it after the fix and requeue', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ferry-sandbox-'));
    cpSync(join(root, 'flows'), join(cwd, 'flows'), { recursive: true });
    cpSync(join(root, 'schemas'), join(cwd, 'schemas'), { recursive: true });
    const { stdout } = await run(process.execPath, [join(root, 'bin', 'ferry.js'), 'sandbox'], {
      cwd,
      env: { PATH: process.env.PATH },
    });
    expect(stdout).toMatch(/dead-lettered 1/);
    expect(stdout).toMatch(/Posted in the picking's chatter in Odoo: yes/);
    expect(stdout).toMatch(/dead-lettered 0\s+pending 0/);
    expect(stdout).toMatch(/Written back on WH\/OUT\/\d+: correlation [0-9a-f-]{36}, shipment SHP-\d+/);
  }, 60_000);
});
