import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { scanReferences, substituteEnv } from '../engine/secrets/reference.js';
import { redact } from '../engine/log/redact.js';
import { isFerryError } from '../engine/errors.js';

describe('references', () => {
  it('parses env and secret references and names malformed ones', () => {
    const { references, malformed } = scanReferences(
      '${env:A} ${secret:vault:kv/odoo#api_key} ${secret:vault} ${oops}',
    );
    expect(references).toEqual([
      { kind: 'env', raw: '${env:A}', name: 'A' },
      {
        kind: 'secret',
        raw: '${secret:vault:kv/odoo#api_key}',
        provider: 'vault',
        path: 'kv/odoo',
        key: 'api_key',
      },
    ]);
    expect(malformed).toHaveLength(2);
  });

  it('substitutes env with defaults and reports unset variables', () => {
    expect(substituteEnv('${env:HOST:-localhost}:${env:PORT}', { PORT: '8069' })).toEqual({
      value: 'localhost:8069',
      missing: [],
    });
    expect(substituteEnv('${env:NOPE}', {}).missing).toEqual(['NOPE']);
  });
});

describe('secret resolution', () => {
  it('resolves env and file secrets, caches them, refreshes on demand and redacts their values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-secrets-'));
    writeFileSync(join(dir, 'odoo.json'), JSON.stringify({ api_key: 'first-key-value' }));
    let now = 0;
    const env: NodeJS.ProcessEnv = { TOKEN: 'token-one-value' };
    const resolver = new SecretResolver(defaultSecretProviders(dir, env), { ttlMs: 1000, now: () => now });

    const token = resolver.handle('${secret:env:TOKEN}');
    const key = resolver.handle('${secret:file:odoo.json#api_key}');
    expect(await token.get()).toBe('token-one-value');
    expect(await key.get()).toBe('first-key-value');

    // Rotation: the cached value holds until the TTL, refresh() fetches at once.
    env.TOKEN = 'token-two-value';
    expect(await token.get()).toBe('token-one-value');
    expect(await token.refresh()).toBe('token-two-value');
    writeFileSync(join(dir, 'odoo.json'), JSON.stringify({ api_key: 'second-key-value' }));
    now = 2000;
    expect(await key.get()).toBe('second-key-value');

    expect(redact('Authorization: Bearer token-two-value, key first-key-value')).toBe(
      'Authorization: Bearer [redacted], key [redacted]',
    );
  });

  it('fails clearly, without the value, when a secret cannot be had', async () => {
    const resolver = new SecretResolver(defaultSecretProviders(tmpdir(), {}));
    const err = await resolver
      .handle('${secret:env:MISSING_TOKEN}')
      .get()
      .catch((e: unknown) => e);
    expect(isFerryError(err, 'FERRY_SECRET_UNRESOLVED')).toBe(true);
    expect(() => resolver.handle('${secret:vault:kv/x}')).toThrow(/not available/);
  });
});
