import type { InfraStack } from '../../scripts/stack/infra-launcher';

export default async function globalTeardown() {
  await (globalThis as { testStack?: InfraStack }).testStack?.stop();
}
