import type { InfraStack } from '../../scripts/stack/infra-launcher';
import type { RadicaleServer } from '../../scripts/stack/radicale';

export default async function globalTeardown() {
  await (globalThis as { testRadicale?: RadicaleServer }).testRadicale?.stop();
  await (globalThis as { testStack?: InfraStack }).testStack?.stop();
}
