import { createCalDavProvider } from '../../calendars/caldav/provider';
import { CalendarAuthError, type CalendarProvider } from '../../calendars/provider';
import { OutboundRefused } from '../../outbound/request';
import { caldavFixture, plainEvent, type CalDavFixture } from '../stack/caldav-server';

const window = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-12-31T00:00:00Z') };
let server: CalDavFixture;
let provider: ReturnType<typeof createCalDavProvider>;

beforeAll(() => {
  server = caldavFixture();
  provider = createCalDavProvider({ policy: server.policy });
});

function uidsOf(objects: { ics: string }[]): string[] {
  return objects.map(({ ics }) => /UID:(\S+)/.exec(ics)?.[1] ?? '?').sort();
}

describe('CalDAV provider against Radicale', () => {
  it('discovers the host\'s calendars from the server root, and takes a calendar URL as itself', async () => {
    const work = await server.newCalendar('Work & school');
    const fromRoot = await provider.discover(server.url, server.credentials);
    expect(fromRoot).toEqual(expect.arrayContaining([{ url: work, displayName: 'Work & school', writable: true }]));

    const fromItself = await provider.discover(work, server.credentials);
    expect(fromItself).toEqual([{ url: work, displayName: 'Work & school', writable: true }]);
  });

  it('syncs the whole calendar first, then only an edit and a delete, then nothing', async () => {
    const calendar = await server.newCalendar('Sync');
    await server.putIcs(calendar, 'school', plainEvent('school-run', '20300105T150000Z', '20300105T160000Z'));
    const lunch = await server.putIcs(calendar, 'lunch', plainEvent('lunch', '20300106T120000Z', '20300106T130000Z'));

    const first = await provider.fetchChanges(calendar, server.credentials, null, window);
    expect(first.complete).toBe(true);
    expect(uidsOf(first.changed)).toEqual(['lunch', 'school-run']);
    expect(first.removed).toEqual([]);
    expect(first.syncState).toEqual(expect.any(String));

    await server.putIcs(calendar, 'school', plainEvent('school-run', '20300105T153000Z', '20300105T163000Z', 'Moved'));
    expect(await server.deleteObject(lunch)).toBe(200);
    const second = await provider.fetchChanges(calendar, server.credentials, first.syncState, window);
    expect(second.complete).toBe(false);
    expect(uidsOf(second.changed)).toEqual(['school-run']);
    expect(second.changed[0]!.ics).toContain('DTSTART:20300105T153000Z');
    expect(second.removed).toEqual([lunch]);

    const third = await provider.fetchChanges(calendar, server.credentials, second.syncState, window);
    expect(third).toMatchObject({ changed: [], removed: [], complete: false });
  });

  it('starts over with the whole calendar when the server no longer knows the sync token', async () => {
    const calendar = await server.newCalendar('Expired token');
    await server.putIcs(calendar, 'one', plainEvent('one', '20300105T150000Z', '20300105T160000Z'));
    const stale = JSON.stringify({ kind: 'sync-token', token: 'http://radicale.org/ns/sync/unknown' });
    const changes = await provider.fetchChanges(calendar, server.credentials, stale, window);
    expect(changes.complete).toBe(true);
    expect(uidsOf(changes.changed)).toEqual(['one']);
  });

  it('falls back to the ctag and ETags without sync tokens, and to a time-range query without either', async () => {
    const calendar = await server.newCalendar('Fallbacks');
    await server.putIcs(calendar, 'kept', plainEvent('kept', '20300105T150000Z', '20300105T160000Z'));
    const gone = await server.putIcs(calendar, 'gone', plainEvent('gone', '20300106T150000Z', '20300106T160000Z'));
    await server.putIcs(calendar, 'later', plainEvent('later', '20350106T150000Z', '20350106T160000Z'));

    const byEtag = createCalDavProvider({ policy: server.policy, ignore: ['sync-token'] });
    const first = await byEtag.fetchChanges(calendar, server.credentials, null, window);
    expect(first.complete).toBe(true);
    expect(uidsOf(first.changed)).toEqual(['gone', 'kept', 'later']);
    const unchanged = await byEtag.fetchChanges(calendar, server.credentials, first.syncState, window);
    expect(unchanged).toMatchObject({ changed: [], removed: [], complete: false });
    await server.putIcs(calendar, 'kept', plainEvent('kept', '20300105T170000Z', '20300105T180000Z'));
    await server.deleteObject(gone);
    const second = await byEtag.fetchChanges(calendar, server.credentials, first.syncState, window);
    expect(uidsOf(second.changed)).toEqual(['kept']);
    expect(second.removed).toEqual([gone]);

    const byRange = createCalDavProvider({ policy: server.policy, ignore: ['sync-token', 'ctag'] });
    const ranged = await byRange.fetchChanges(calendar, server.credentials, null, window);
    expect(ranged).toMatchObject({ removed: [], complete: true, syncState: null });
    expect(uidsOf(ranged.changed)).toEqual(['kept']);
  });

  it('writes an event once however often the write is retried, updates it by ETag and deletes it', async () => {
    const calendar = await server.newCalendar('Bookings');
    const ics = plainEvent('booking-x@bookings.orchestrator', '20300107T090000Z', '20300107T100000Z', 'Cut');
    const created = await provider.putEvent!(calendar, server.credentials, 'booking-x@bookings.orchestrator', ics, null);
    expect(created.etag).toEqual(expect.any(String));
    // the answer to the first PUT was lost: the retry creates nothing new
    const again = await provider.putEvent!(calendar, server.credentials, 'booking-x@bookings.orchestrator', ics, null);
    expect(again.href).toBe(created.href);
    expect([...(await server.objects(calendar)).keys()]).toEqual([created.href]);

    const moved = ics.replace('20300107T090000Z', '20300107T110000Z').replace('20300107T100000Z', '20300107T120000Z');
    const updated = await provider.putEvent!(calendar, server.credentials, 'booking-x@bookings.orchestrator', moved, again.etag);
    expect(updated.etag).not.toBe(again.etag);
    expect((await server.objects(calendar)).get(created.href)).toContain('DTSTART:20300107T110000Z');

    // an ETag gone stale (the host touched the event) does not leave the booking's event behind
    await provider.deleteEvent!(created.href, server.credentials, created.etag);
    expect((await server.objects(calendar)).size).toBe(0);
    await provider.deleteEvent!(created.href, server.credentials, null);
  });

  it('names refused credentials as such, on discovery and on sync', async () => {
    const calendar = await server.newCalendar('Locked');
    const wrong = { username: server.credentials.username, password: 'not-the-password' };
    await expect(provider.discover(server.url, wrong)).rejects.toBeInstanceOf(CalendarAuthError);
    await expect(provider.fetchChanges(calendar, wrong, null, window)).rejects.toBeInstanceOf(CalendarAuthError);
    await expect(provider.fetchChanges(calendar, wrong, null, window)).rejects.not.toThrow(wrong.password);
  });

  it('does not reach a loopback server the policy does not allow', async () => {
    const strict: CalendarProvider = createCalDavProvider({ policy: { allowedHosts: [], allowHttp: true } });
    await expect(strict.discover(server.url, server.credentials)).rejects.toBeInstanceOf(OutboundRefused);
  });
});
