/** `${secret:env:NAME}`: the value of an environment variable, read at each fetch (so a reload sees rotation). */
import { FerryError } from '../../errors.js';
import type { SecretProvider } from '../provider.js';
import type { SecretReference } from '../reference.js';

export function envSecretProvider(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return {
    name: 'env',
    fetch(ref: SecretReference): Promise<string> {
      const value = env[ref.path];
      if (value === undefined || value === '') {
        return Promise.reject(
          new FerryError('FERRY_SECRET_UNRESOLVED', `environment variable ${ref.path} is not set`, {
            context: { reference: ref.raw },
            hint: `set ${ref.path} in the environment or in .env (see .env.example)`,
          }),
        );
      }
      return Promise.resolve(value);
    },
  };
}
