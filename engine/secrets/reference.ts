/**
 * References in flow files: `${env:NAME}` (with an optional `:-default`) is substituted at load;
 * `${secret:<provider>:<path>[#key]}` stays a reference until run time and is resolved by a provider.
 */

export interface EnvReference {
  kind: 'env';
  raw: string;
  name: string;
  fallback?: string;
}

export interface SecretReference {
  kind: 'secret';
  raw: string;
  provider: string;
  path: string;
  key?: string;
}

export type Reference = EnvReference | SecretReference;

export interface ScanResult {
  references: Reference[];
  /** Human messages for malformed references, with the offending text. */
  malformed: string[];
}

const PLACEHOLDER = /\$\{([^}]*)\}?/g;
const ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const SECRET = /^secret:([a-z][a-z0-9_-]*):([^#]+)(?:#(.+))?$/;

export function scanReferences(text: string): ScanResult {
  const references: Reference[] = [];
  const malformed: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const raw = match[0];
    const body = match[1]!;
    if (!raw.endsWith('}')) {
      malformed.push(`"${raw}" is not closed with "}"`);
      continue;
    }
    const env = ENV.exec(body);
    if (env) {
      references.push({ kind: 'env', raw, name: env[1]!, ...(env[2] !== undefined && { fallback: env[2] }) });
      continue;
    }
    const secret = SECRET.exec(body);
    if (secret) {
      references.push({
        kind: 'secret',
        raw,
        provider: secret[1]!,
        path: secret[2]!,
        ...(secret[3] !== undefined && { key: secret[3] }),
      });
      continue;
    }
    malformed.push(
      body.startsWith('secret:')
        ? `"${raw}" is not of the form \${secret:<provider>:<path>[#key]}`
        : body.startsWith('env:')
          ? `"${raw}" is not of the form \${env:NAME} or \${env:NAME:-default}`
          : `"${raw}" is neither \${env:NAME} nor \${secret:<provider>:<path>[#key]}`,
    );
  }
  return { references, malformed };
}

/** The secret reference when `text` is exactly one, else undefined. */
export function parseSecretReference(text: string): SecretReference | undefined {
  const { references, malformed } = scanReferences(text);
  const only = references[0];
  return malformed.length === 0 &&
    references.length === 1 &&
    only?.kind === 'secret' &&
    only.raw === text.trim()
    ? only
    : undefined;
}

/** Substitutes `${env:…}` references; names of unset variables without a default are returned. */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(PLACEHOLDER, (raw: string, body: string) => {
    const match = raw.endsWith('}') ? ENV.exec(body) : null;
    if (!match) return raw;
    const found = env[match[1]!];
    if (found !== undefined && found !== '') return found;
    if (match[2] !== undefined) return match[2];
    missing.push(match[1]!);
    return raw;
  });
  return { value, missing };
}
