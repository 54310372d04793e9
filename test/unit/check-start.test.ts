import { type CheckStartInput, type StartRefusal, checkStart } from '../../scheduling';
import { LONG_AGO, at, resource, service } from './availability-fixtures';

// Monday 2026-03-16, Paris on +01:00: 09:00 local is 08:00Z.
const alice = resource({ weekly: { monday: [{ start: '09:00', end: '12:00' }] } });
const bob = resource({ id: 'bob', weekly: { monday: [{ start: '09:00', end: '12:00' }] } });
const rules = service({ durationsMinutes: [60], slotStepMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 15 });
const base = { resources: [alice], service: rules, busy: [], now: LONG_AGO };

describe('checkStart', () => {
  it('accepts a listed start and picks the resource', () => {
    const verdict = checkStart({ ...base, start: at('2026-03-16T08:30:00Z') });
    expect(verdict).toMatchObject({ ok: true, chosenResourceIds: ['alice'], slot: { start: at('2026-03-16T08:30:00Z') } });
  });

  const refusals: [StartRefusal, Partial<CheckStartInput>, string][] = [
    ['invalid_duration', { durationMinutes: 45 }, '2026-03-16T08:00:00Z'],
    ['min_notice', { now: at('2026-03-16T07:30:00Z'), service: { ...rules, minNoticeMinutes: 60 } }, '2026-03-16T08:00:00Z'],
    ['beyond_horizon', { service: { ...rules, horizonDays: 30 } }, '2026-03-16T08:00:00Z'],
    ['outside_hours', {}, '2026-03-16T07:30:00Z'],
    // 11:00-12:00 local fits the hours, its 15-minute buffer after runs past 12:00.
    ['buffer_conflict', {}, '2026-03-16T10:00:00Z'],
    ['buffer_conflict', { busy: [{ resourceId: 'alice', start: at('2026-03-16T09:00:00Z'), end: at('2026-03-16T09:30:00Z') }] }, '2026-03-16T08:00:00Z'],
    ['not_on_slot_grid', {}, '2026-03-16T08:10:00Z'],
    ['no_resource_free', { busy: [{ resourceId: 'alice', start: at('2026-03-16T08:15:00Z'), end: at('2026-03-16T08:45:00Z') }] }, '2026-03-16T08:00:00Z'],
  ];
  it.each(refusals)('refuses with %s', (reason, change, start) => {
    const verdict = checkStart({ ...base, ...change, start: at(start) });
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.message).toMatch(/\w+ .* \w+/);
  });

  it('names the resource and its zone when outside hours', () => {
    const verdict = checkStart({ ...base, start: at('2026-03-16T07:30:00Z') });
    expect(verdict).toEqual({
      ok: false,
      reason: 'outside_hours',
      message: '2026-03-16T08:30 is outside the working hours of resource alice (Europe/Paris)',
    });
  });

  it('honours preferred resources in a one-of group', () => {
    const two = { ...base, resources: [alice, bob], mode: 'one' as const };
    const start = at('2026-03-16T08:00:00Z');
    expect(checkStart({ ...two, start })).toMatchObject({ ok: true, chosenResourceIds: ['alice'] });
    expect(checkStart({ ...two, start, preferredResourceIds: ['bob'] })).toMatchObject({ ok: true, chosenResourceIds: ['bob'] });
    const bobBusy = [{ resourceId: 'bob', start, end: start + 3_600_000 }];
    expect(checkStart({ ...two, busy: bobBusy, start, preferredResourceIds: ['bob'] })).toMatchObject({
      ok: false,
      reason: 'no_resource_free',
    });
    expect(checkStart({ ...two, busy: bobBusy, start })).toMatchObject({ ok: true, chosenResourceIds: ['alice'] });
  });

  it('chooses every resource of an all-of group', () => {
    const verdict = checkStart({ ...base, resources: [alice, bob], mode: 'all', start: at('2026-03-16T08:00:00Z') });
    expect(verdict).toMatchObject({ ok: true, chosenResourceIds: ['alice', 'bob'] });
  });

  it('refuses a group appointment without enough spaces left', () => {
    const start = at('2026-03-16T08:00:00Z');
    const seats = { ...base, service: { ...rules, seatsPerSlot: 3, bufferAfterMinutes: 0 } };
    const allocation = [{ resourceId: 'alice', start, end: start + 3_600_000 }];
    const taken = [{ start, resourceIds: ['alice'], spaces: 2 }];
    expect(checkStart({ ...seats, busy: allocation, groupSeats: taken, start })).toMatchObject({ ok: true, slot: { spacesLeft: 1 } });
    expect(checkStart({ ...seats, busy: allocation, groupSeats: taken, spaces: 2, start })).toMatchObject({
      ok: false,
      reason: 'no_resource_free',
    });
  });
});
