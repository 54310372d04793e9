import pino from 'pino';
import { createSmtpMailer } from '../../outbound/mailer';
import { insertNotificationUnlessErased } from '../../db/notifications';
import { createResource, createService, futureSlot, reserve } from '../stack/fixtures';
import { allText } from '../stack/all-text';
import { call, waitFor } from '../stack/http';
import { startSmtpInbox } from '../stack/smtp-inbox';
import { startTestStack, type TestStack } from '../stack/test-stack';

// A mail server that refuses the customer's address names it in its reply; anonymizing while the
// delivery still retries must leave nothing of the customer anywhere, and send nothing twice.

const EMAIL = 'ada.refused@analytical.example';
const HOST = 'host@clinic.example';
const lines: unknown[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

let stack: TestStack;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
beforeAll(async () => {
  inbox = await startSmtpInbox({ refuse: (address) => address === EMAIL });
  stack = await startTestStack('personal_data_mail', { mailer: createSmtpMailer(inbox.url, 'Bookings <bookings@test.local>'), logger });
});
afterAll(async () => {
  await stack?.stop();
  await inbox?.stop();
});

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const hostMails = () => inbox.mails.filter((mail) => mail.to.includes(HOST)).length;

test('a refusal naming the address leaves it in no failure, row, history or log line; anonymizing mid-retry sends nothing again', async () => {
  const resourceId = await createResource(stack, { email: HOST });
  const serviceId = await createService(stack, { resource_ids: [resourceId] });
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(4) });
  expect(held.status).toBe(201);
  const bookingId = held.body.id as string;
  expect((await post(`/v1/bookings/${bookingId}/details`, { name: 'Ada Lovelace', email: EMAIL })).body.status).toBe('confirmed');

  // The customer's mail is refused (and retried), the host's goes out once.
  const refused = await waitFor(
    () => stack.db.selectFrom('notifications').selectAll().where('booking_id', '=', bookingId).where('recipient', '=', EMAIL).executeTakeFirst(),
    (row) => row?.status === 'failed',
  );
  expect(refused!.error).toMatch(/reply 550/);
  expect(refused!.error).not.toContain(EMAIL);
  await waitFor(async () => hostMails(), (count) => count === 1);

  const eventId = refused!.dedupe_key.slice('mail:'.length, -`:${EMAIL}`.length);
  const delivery = stack.temporal.workflow.getHandle(`webhook-${eventId}`);
  const retrying = await waitFor(() => delivery.describe(), (description) =>
    (description.raw.pendingActivities ?? []).some((activity) => (activity.attempt ?? 0) >= 2 && activity.lastFailure));
  const failure = retrying.raw.pendingActivities!.find((activity) => activity.lastFailure)!.lastFailure!;
  expect(failure.message).toMatch(new RegExp(`notification ${refused!.id} \\(confirmed\\) not sent: reply 550`));
  expect(JSON.stringify(allText(failure))).not.toContain(EMAIL);

  const anonymized = await post(`/v1/bookings/${bookingId}/anonymize`);
  expect(anonymized.status).toBe(200);
  const anonymizedAt = new Date(anonymized.body.anonymized_at);

  // The next attempt finds no customer address and the host's mail sent: the delivery completes.
  await waitFor(() => delivery.describe(), (description) => description.status.name === 'COMPLETED', 60_000);
  expect(hostMails()).toBe(1);
  const rows = await stack.db.selectFrom('notifications').selectAll().where('booking_id', '=', bookingId).execute();
  expect(rows.filter((row) => row.created_at > anonymizedAt)).toEqual([]);
  expect(JSON.stringify(rows)).not.toContain(EMAIL);
  expect(allText(await delivery.fetchHistory()).join('\n')).not.toContain(EMAIL);
  expect(JSON.stringify(lines)).not.toContain(EMAIL);
  // A repeated anonymize deletes the deliveries that ran while it first did.
  expect((await post(`/v1/bookings/${bookingId}/anonymize`)).status).toBe(200);
  await waitFor(() => delivery.describe().then(() => 'exists', (error: Error) => error.name), (state) => state === 'WorkflowNotFoundError', 90_000);

  // A mail composed from a read made before the anonymization is not written after it.
  const late = await insertNotificationUnlessErased(stack.db, {
    organization_id: stack.organizationId, booking_id: bookingId, kind: 'confirmed', dedupe_key: `mail:${eventId}:${EMAIL}:late`,
    channel: 'email', recipient: EMAIL, subject: 'Confirmed', body: `Dear Ada (${EMAIL})`, status: 'queued',
  }, { anonymized_at: null });
  expect(late).toBeNull();
  expect(JSON.stringify(await stack.db.selectFrom('notifications').selectAll().where('booking_id', '=', bookingId).execute())).not.toContain(EMAIL);
}, 180_000);
