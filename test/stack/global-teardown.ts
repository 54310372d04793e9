import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export default async function globalTeardown() {
  const launcher = (globalThis as { testStackLauncher?: ChildProcess }).testStackLauncher;
  if (launcher && launcher.exitCode === null) {
    await new Promise<void>((resolve) => {
      const killer = setTimeout(() => launcher.kill('SIGKILL'), 20_000);
      launcher.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      launcher.kill('SIGTERM');
    });
  }
  if (process.env.TEST_STACK_DIR && !process.env.KEEP_TEST_STACK) {
    fs.rmSync(process.env.TEST_STACK_DIR, { recursive: true, force: true });
  }
}
