import { spawn } from 'node:child_process';
import { supervise } from '../../scripts/stack/supervisor';

/** Real child processes that crash: the supervisor restarts each with a growing delay, and stops for good on request. */
test('a crashing child is restarted with doubling backoff, logged each time, and stop() ends it', async () => {
  const log: string[] = [];
  let launches = 0;
  const supervised = supervise('crasher', () => {
    launches += 1;
    // The fourth one stays up, as a fixed worker would.
    return spawn(process.execPath, ['-e', launches < 4 ? 'process.exit(3)' : 'setInterval(() => {}, 1000)']);
  }, { initialBackoffMs: 20, maxBackoffMs: 60, log: (message) => log.push(message) });
  const started = Date.now();
  while (launches < 4 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(log).toEqual([
    'crasher exited (code 3); restarting it in 0.02 s (restart 1)',
    'crasher exited (code 3); restarting it in 0.04 s (restart 2)',
    'crasher exited (code 3); restarting it in 0.06 s (restart 3)',
  ]);
  const running = supervised.current()!;
  expect(running.exitCode).toBeNull();
  await supervised.stop();
  expect(running.signalCode).toBe('SIGTERM');
  expect(supervised.restarts()).toBe(3);
  expect(launches).toBe(4);
});
