import { durationRefusal, offeredDuration } from '../../scheduling/durations';

test('a service books only the durations it offers; asking for none means its first', () => {
  expect(offeredDuration([30, 60], undefined)).toBe(30);
  expect(offeredDuration([30, 60], null)).toBe(30);
  expect(offeredDuration([30, 60], 60)).toBe(60);
  expect(offeredDuration([30, 60], 45)).toBeNull();
  expect(offeredDuration([30, 60], 30.5)).toBeNull();
  expect(offeredDuration([], undefined)).toBeNull();
});

test('a refusal names the durations offered and the one asked for', () => {
  expect(durationRefusal([30, 60], 45)).toBe('the service offers durations of 30, 60 minutes, not 45');
});
