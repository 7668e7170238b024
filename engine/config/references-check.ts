/**
 * Checks every `${…}` reference of a document at load and substitutes `${env:…}`. Malformed references,
 * unknown secret providers and unset variables are all reported, each at its field.
 */
import { FerryError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import type { Path, SourceDocument } from './yaml-source.js';
import { scanReferences, substituteEnv } from '../secrets/reference.js';

export interface ReferenceCheckOptions {
  env: NodeJS.ProcessEnv;
  secretProviders: readonly string[];
}

/** Returns the document with env references substituted, and the problems found. */
export function checkReferences(
  doc: SourceDocument,
  options: ReferenceCheckOptions,
): { value: unknown; errors: FerryError[] } {
  const errors: FerryError[] = [];
  const at = (path: Path) => ({ file: doc.file, ...doc.locate(path), field: path.join('.') });

  const visit = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const { references, malformed } = scanReferences(value);
      for (const problem of malformed)
        errors.push(new FerryError('FERRY_REFERENCE', problem, { context: at(path) }));
      for (const ref of references) {
        if (ref.kind === 'secret' && !options.secretProviders.includes(ref.provider)) {
          errors.push(
            new FerryError(
              'FERRY_UNKNOWN_PROVIDER',
              `unknown secret provider "${ref.provider}" in ${ref.raw}`,
              {
                context: at(path),
                hint:
                  didYouMean(ref.provider, options.secretProviders) ??
                  `available: ${options.secretProviders.join(', ')}`,
              },
            ),
          );
        }
      }
      const { value: substituted, missing } = substituteEnv(value, options.env);
      for (const name of missing) {
        errors.push(
          new FerryError('FERRY_ENV_MISSING', `environment variable ${name} is not set`, {
            context: at(path),
            hint: `set it, add it to .env, or give a default: \${env:${name}:-value}`,
          }),
        );
      }
      return substituted;
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    }
    return value;
  };

  return { value: visit(doc.value, []), errors };
}
