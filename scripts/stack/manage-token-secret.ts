import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** MANAGE_TOKEN_SECRET if given, else one made once per data dir so tokens survive restarts. */
export function ensureManageTokenSecret(dataDir: string, requested: string | null): string {
  if (requested) return requested;
  const secretFile = path.join(dataDir, 'manage-token-secret');
  if (fs.existsSync(secretFile)) return fs.readFileSync(secretFile, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  return secret;
}
