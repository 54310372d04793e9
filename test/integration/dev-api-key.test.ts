import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOrganizationByApiKey, hashApiKey } from '../../db/organizations';
import { devApiKeyLine, ensureDevApiKey } from '../../scripts/stack/dev-api-key';
import { startTestStack, type TestStack } from '../stack/test-stack';

/** The launcher never prints a revoked development key as if it worked. */

let stack: TestStack;
let dataDir: string;
beforeAll(async () => {
  stack = await startTestStack('dev_api_key', { worker: false });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-api-key-'));
});
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await stack?.stop();
});

const revoke = (key: string) => stack.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('key_hash', '=', hashApiKey(key)).execute();

test('a remembered key that was revoked is replaced by a new one, remembered and said so', async () => {
  const first = await ensureDevApiKey(stack.db, dataDir, null);
  expect(first).toMatchObject({ revoked: false, replacedRevoked: false });
  expect(devApiKeyLine(first)).toBe(first.key);
  expect(await ensureDevApiKey(stack.db, dataDir, null)).toEqual(first);

  await revoke(first.key);
  const second = await ensureDevApiKey(stack.db, dataDir, null);
  expect(second.key).not.toBe(first.key);
  expect(second).toMatchObject({ revoked: false, replacedRevoked: true });
  expect(await findOrganizationByApiKey(stack.db, second.key)).toBeDefined();
  expect(await findOrganizationByApiKey(stack.db, first.key)).toBeUndefined();
  expect(fs.readFileSync(path.join(dataDir, 'dev-api-key'), 'utf8').trim()).toBe(second.key);
  expect(devApiKeyLine(second)).toMatch(/new: the one this data folder had was revoked/);
});

test('DEV_API_KEY naming a revoked key stays revoked and is printed as revoked', async () => {
  const requested = `dev_${'r'.repeat(32)}`;
  expect(await ensureDevApiKey(stack.db, dataDir, requested)).toMatchObject({ key: requested, revoked: false });
  await revoke(requested);
  const again = await ensureDevApiKey(stack.db, dataDir, requested);
  expect(again).toEqual({ key: requested, revoked: true, replacedRevoked: false });
  expect(await findOrganizationByApiKey(stack.db, requested)).toBeUndefined();
  expect(devApiKeyLine(again)).toMatch(/REVOKED/);
});
