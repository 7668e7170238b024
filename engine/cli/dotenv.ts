/** Loads ./.env when present, without overriding variables already set (as most tools do). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function loadDotEnv(cwd: string): void {
  const file = join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
