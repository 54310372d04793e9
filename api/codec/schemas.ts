import { z } from 'zod';

const payload = () => z.object({
  metadata: z.record(z.string().max(100), z.string().max(100_000)).optional(),
  data: z.string().max(1_000_000).optional(),
});

export const codecBody = z.strictObject({ payloads: z.array(payload().meta({ description: 'A Temporal payload: metadata values and data in base64' })).max(1000) }).meta({ id: 'CodecPayloads' });
export const codecResponse = z.object({ payloads: z.array(payload()) }).meta({ id: 'CodecResult' });

/** What the Temporal UI adds to its codec calls; the codec has no external payload storage to keep references to, so it changes nothing. */
export const codecQuery = z.object({
  preserveStorageRefs: z.enum(['true', 'false']).optional().meta({ description: 'Sent by the Temporal UI; accepted and without effect (no external payload storage)' }),
});
