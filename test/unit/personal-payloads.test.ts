import { randomBytes, randomUUID } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { PersonalKeyStore } from '../../personal-data/keys';
import { BookingPayloadCodec } from '../../personal-data/payload-codec';
import { payloadConverter, personalData, sealedArgument } from '../../personal-data/payload-converter';
import { isUnreadablePayload } from '../../domain/unreadable-payload';

/** The keys as PostgreSQL would keep them: made on first use, null once erased. */
function keyTable() {
  const keys = new Map<string, Buffer | null>();
  const store = {
    async keyFor(bookingId: string, create: boolean) {
      if (!keys.has(bookingId) && create) keys.set(bookingId, randomBytes(32));
      return keys.get(bookingId) ?? null;
    },
    forget(bookingId: string) { keys.set(bookingId, null); },
  };
  return { keys, store: store as unknown as PersonalKeyStore };
}

const text = (payload: Payload) => [
  Buffer.from(payload.data ?? []).toString(), ...Object.values(payload.metadata ?? {}).map((value) => Buffer.from(value).toString()),
].join('\n');

async function roundTrip(codec: BookingPayloadCodec, value: unknown) {
  const [sealed] = await codec.encode([payloadConverter.toPayload(value)]);
  return { sealed, decoded: async () => payloadConverter.fromPayload((await codec.decode([sealed]))[0]) };
}

const bookingA = randomUUID();
const bookingB = randomUUID();
const snapshot = (id: string, email: string) => ({ id, status: 'confirmed', start: '2027-01-01T10:00:00.000Z', customerEmail: email, spaces: 1 });

test('a payload without personal fields is the default converter\'s, and the codec leaves it as it is', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  const value = { bookingId: bookingA, step: '1:confirmed', to: 'confirmed', customer: null };
  const payload = payloadConverter.toPayload(value);
  expect(payload).toEqual(defaultPayloadConverter.toPayload(value));
  const [encoded] = await codec.encode([payload]);
  expect(encoded).toBe(payload);
  expect(payloadConverter.fromPayload((await codec.decode([encoded]))[0])).toEqual(value);
});

test('personal fields are sealed with their own booking\'s key; erasing one booking\'s key erases only its fields', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  // A transition's outcome: its booking, and a waiting booking it promoted (another customer).
  const outcome = { ok: true, booking: snapshot(bookingA, 'ada@example.com'), promoted: [{ booking: snapshot(bookingB, 'grace@example.com'), eventId: null }] };
  const { sealed, decoded } = await roundTrip(codec, outcome);
  expect(text(sealed)).not.toMatch(/ada@example\.com|grace@example\.com/);
  expect(text(sealed)).toContain('json/booking-sealed');
  expect(await decoded()).toEqual(outcome);

  store.forget(bookingB);
  const erased = await decoded() as typeof outcome;
  expect(erased.booking.customerEmail).toBe('ada@example.com');
  expect(erased.promoted[0].booking).toEqual({ ...outcome.promoted[0].booking, customerEmail: null });
});

test('a reservation\'s customer and contact, and details marked as a booking\'s, travel sealed and come back whole', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  const input = {
    at: new Date('2027-01-01T10:00:00Z'),
    hold: {
      bookingId: bookingA, serviceId: randomUUID(), customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 1' },
      contact: { externalId: 'crm-1', label: 'Lady Ada' }, metadata: { source: 'web' },
    },
  };
  const reservation = await roundTrip(codec, input);
  expect(text(reservation.sealed)).not.toMatch(/Ada Lovelace|ada@example|crm-1|Lady Ada/);
  expect(text(reservation.sealed)).toContain('"source":"web"');
  expect(await reservation.decoded()).toEqual({ ...input, at: '2027-01-01T10:00:00.000Z' });

  const details = { name: 'Ada Lovelace', email: 'ada@example.com', notes: 'ramp, please' };
  const update = await roundTrip(codec, personalData(bookingA, details));
  expect(text(update.sealed)).not.toMatch(/Ada Lovelace|ada@example|ramp/);
  expect(await update.decoded()).toEqual(details);
  store.forget(bookingA);
  expect(await update.decoded()).toBeNull();
  expect(await reservation.decoded()).toEqual({ at: '2027-01-01T10:00:00.000Z', hold: { ...input.hold, customer: null, contact: null } });
});

test('a payload recorded before the codec (plain JSON) still decodes; personal data naming no booking is refused', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  const old = defaultPayloadConverter.toPayload({ hold: { bookingId: bookingA, customer: { email: 'old@example.com' } } });
  expect(payloadConverter.fromPayload((await codec.decode([old]))[0])).toEqual({ hold: { bookingId: bookingA, customer: { email: 'old@example.com' } } });
  expect(() => payloadConverter.toPayload({ customer: { email: 'nobody@example.com' } })).toThrow(/names no booking/);
});

test('a reason is sealed where its payload names the booking, and an Update\'s argument is sealed as a whole', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  const request = { bookingId: bookingA, actor: 'host', reason: 'Ada is travelling', checkIn: { present: false, reason: 'Ada was ill' } };
  const transition = await roundTrip(codec, request);
  expect(text(transition.sealed)).not.toMatch(/Ada/);
  expect(await transition.decoded()).toEqual(request);
  const argument = await roundTrip(codec, sealedArgument(bookingA, { actor: 'Lee at the desk', reason: 'Ada asked' }));
  expect(text(argument.sealed)).not.toMatch(/Ada|Lee/);
  expect(await argument.decoded()).toEqual({ actor: 'Lee at the desk', reason: 'Ada asked' });
  // A reason of no booking (a session's) is not the customer's: the default converter's JSON.
  expect(payloadConverter.toPayload({ sessionId: 's', reason: 'storm' })).toEqual(defaultPayloadConverter.toPayload({ sessionId: 's', reason: 'storm' }));
});

test('what the codec and the converter cannot read decodes to a refusable value, never an exception', async () => {
  const { store } = keyTable();
  const codec = new BookingPayloadCodec(store);
  const payload = (encoding: string, data: string, metadata: Record<string, string> = {}): Payload => ({
    metadata: Object.fromEntries([['encoding', encoding], ...Object.entries(metadata)].map(([key, value]) => [key, Buffer.from(value)])),
    data: Buffer.from(data),
  });
  const read = async (sent: Payload) => payloadConverter.fromPayload((await codec.decode([sent]))[0]);
  expect(await read(payload('json/booking-sealed', '{"id":"x"}'))).toEqual({ id: 'x' });
  expect(await read(payload('json/booking-sealed', '{"id":"x"}', { 'booking-sealed': `{"${bookingA}":"AAAA","x":"y"}` }))).toEqual({ id: 'x' });
  expect(await read(payload('json/booking-sealed', '{"id":"x"}', { 'booking-sealed': '[1' }))).toEqual({ id: 'x' });
  expect(isUnreadablePayload(await read(payload('json/protobuf', '{}')))).toBe(true);
  expect(isUnreadablePayload(await read(payload('json/plain', '{not json')))).toBe(true);
  const polluting = await read(payload('json/booking-personal', '{}', { 'booking-personal': '{"b":[[["__proto__","polluted"],1]]}' }));
  expect(polluting).toEqual({});
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
