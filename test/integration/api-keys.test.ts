import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let other: { organizationId: string; apiKey: string };
beforeAll(async () => {
  // Keys need no workflows: no worker.
  stack = await startTestStack('api_keys', { worker: false });
  other = await stack.newOrganization();
});
afterAll(() => stack?.stop());

const api = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(stack.baseUrl, method, path, { token, body, headers });

test('a key is shown once, stored hashed, listed with its name, prefix and last use, and refused at once when revoked', async () => {
  const created = await api('POST', '/v1/api-keys', stack.apiKey, { name: 'booking widget' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'booking widget', key: expect.stringMatching(/^sk_/), last_used_at: null, revoked_at: null });
  const { id, key } = created.body;
  expect(created.body.prefix).toBe(key.slice(0, 9));

  const stored = await stack.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect(stored.key_hash).not.toContain(key.slice(3));
  expect(JSON.stringify(await stack.db.selectFrom('idempotency_keys').selectAll().execute())).not.toContain(key);

  expect((await api('GET', '/v1/resources', key)).status).toBe(200);
  const listed = await api('GET', '/v1/api-keys', stack.apiKey);
  expect(listed.body.data.map((row: { name: string }) => row.name)).toEqual(['test', 'booking widget']);
  const mine = listed.body.data.find((row: { id: string }) => row.id === id);
  expect(mine).toMatchObject({ prefix: key.slice(0, 9), revoked_at: null, last_used_at: expect.any(String) });
  expect(mine).not.toHaveProperty('key');
  expect(JSON.stringify(listed.body)).not.toContain(key);

  const revoked = await api('POST', `/v1/api-keys/${id}/revoke`, stack.apiKey);
  expect(revoked.status).toBe(200);
  expect(revoked.body.revoked_at).toEqual(expect.any(String));
  const refused = await api('GET', '/v1/resources', key);
  expect(refused.status).toBe(401);
  expect(refused.contentType).toContain('application/problem+json');
  expect(refused.body).toMatchObject({ status: 401, code: 'unauthorized', detail: expect.stringContaining('revoked') });
  // Revoking again keeps the first time.
  expect((await api('POST', `/v1/api-keys/${id}/revoke`, stack.apiKey)).body.revoked_at).toBe(revoked.body.revoked_at);
});

test('a key of organization A can neither list, read nor revoke the keys of organization B', async () => {
  const bKeys = await api('GET', '/v1/api-keys', other.apiKey);
  expect(bKeys.status).toBe(200);
  const bKeyId = bKeys.body.data[0].id;
  const aList = await api('GET', '/v1/api-keys', stack.apiKey);
  expect(aList.body.data.map((row: { id: string }) => row.id)).not.toContain(bKeyId);

  for (const [method, path] of [['GET', `/v1/api-keys/${bKeyId}`], ['POST', `/v1/api-keys/${bKeyId}/revoke`]]) {
    const answer = await api(method, path, stack.apiKey);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'not_found', status: 404 });
  }
  expect((await api('GET', '/v1/resources', other.apiKey)).status).toBe(200);
  const stored = await stack.db.selectFrom('api_keys').select('revoked_at').where('id', '=', bKeyId).executeTakeFirstOrThrow();
  expect(stored.revoked_at).toBeNull();
});

test('bad input names the field and creates nothing; a replay by Idempotency-Key does not show the key again', async () => {
  const before = await stack.db.selectFrom('api_keys').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  for (const [body, field] of [[{}, 'name'], [{ name: ' ' }, 'name'], [{ name: 'x', scope: 'all' }, 'scope']] as const) {
    const answer = await api('POST', '/v1/api-keys', stack.apiKey, body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.errors[0].path).toBe(field);
  }
  const after = await stack.db.selectFrom('api_keys').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  expect(after.n).toBe(before.n);

  const first = await api('POST', '/v1/api-keys', stack.apiKey, { name: 'ci' }, { 'Idempotency-Key': 'key-ci' });
  const replay = await api('POST', '/v1/api-keys', stack.apiKey, { name: 'ci' }, { 'Idempotency-Key': 'key-ci' });
  expect(replay.status).toBe(201);
  expect(replay.body).toMatchObject({ id: first.body.id, key: null });
  expect(first.body.key).toMatch(/^sk_/);
});
