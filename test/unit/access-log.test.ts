import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { accessLog, redactUrl } from '../../api/access-log';

test('the access log keeps no manage token, calendar-feed token or customer e-mail of the URLs it records', async () => {
  const lines: Array<{ req?: { url: string } }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const app = express();
  app.use(accessLog(logger));
  app.use((_req, res) => void res.status(204).end());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secrets = ['manage-secret-Zq9', 'feed-secret-Xy7', 'ada.byron@analytical.example'];
  try {
    for (const path of [
      `/manage/${secrets[0]}`, `/manage/${secrets[0]}/booking.ics?x=1`, `/manage/${secrets[0]}/cancel`,
      `/v1/resources/7/calendar.ics?token=${secrets[1]}`, `/v1/resources/7/calendar.ics?TOKEN=${secrets[1]}&x=1`,
      `/v1/bookings?status=held&customer_email=${encodeURIComponent(secrets[2])}&limit=5`,
      `/v1/bookings?customer%5Femail=${encodeURIComponent(secrets[2])}`,
    ]) {
      await fetch(`${base}${path}`);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const logged = JSON.stringify(lines);
  expect(lines.filter((line) => line.req)).toHaveLength(7);
  for (const secret of secrets) {
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(encodeURIComponent(secret));
  }
  // What is not secret stays, so the line still says what was asked.
  expect(lines.map((line) => line.req?.url)).toEqual([
    '/manage/[redacted]', '/manage/[redacted]/booking.ics?x=1', '/manage/[redacted]/cancel',
    '/v1/resources/7/calendar.ics?token=[redacted]', '/v1/resources/7/calendar.ics?TOKEN=[redacted]&x=1',
    '/v1/bookings?status=held&customer_email=[redacted]&limit=5', '/v1/bookings?customer%5Femail=[redacted]',
  ]);
});

test('redactUrl leaves URLs without secrets as they are', () => {
  expect(redactUrl('/v1/bookings/abc?status=held')).toBe('/v1/bookings/abc?status=held');
  expect(redactUrl('/book/yoga')).toBe('/book/yoga');
  expect(redactUrl('/v1/bookings?bad=%E0%A4%A')).toBe('/v1/bookings?bad=%E0%A4%A');
});
