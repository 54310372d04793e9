import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema';
import { personalKeysOf } from '../../personal-data/keys';
import { BookingPayloadCodec } from '../../personal-data/payload-codec';
import { encodingOf, payloadConverter, PERSONAL_ENCODING, SEALED_ENCODING, SEALED_METADATA } from '../../personal-data/payload-converter';
import { organizationOf } from '../auth';
import { uuid } from '../common-schemas';
import { unreachableDependency } from '../dependency-failure';
import { InvalidInput } from '../errors';
import { parseInput } from '../validation';
import { codecBody } from './schemas';

type WirePayload = z.infer<typeof codecBody>['payloads'][number];

function fromWire(payload: WirePayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toWire(payload: Payload): WirePayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/** A sealed payload's booking ids, or a 400 naming the payload whose sealed metadata is not what the codec writes. */
function sealedOrRefused(payloads: Payload[]): string[] {
  return payloads.flatMap((payload, index) => {
    if (encodingOf(payload) !== SEALED_ENCODING) return [];
    try {
      const ids = Object.keys(JSON.parse(Buffer.from(payload.metadata![SEALED_METADATA] ?? new Uint8Array()).toString('utf8') || '{}'));
      if (ids.some((id) => !uuid.safeParse(id).success)) throw new Error('not a booking id');
      return ids;
    } catch {
      throw new InvalidInput([{ path: `payloads.${index}.metadata.${SEALED_METADATA}`, message: 'is not sealed personal data of bookings' }]);
    }
  });
}

/**
 * Browsers on these origins (the Temporal UI) may call the codec endpoint. Mounted ahead of
 * everything else on `/codec`, so a preflight (`OPTIONS`, no credentials) is answered here.
 */
export function codecCors(origins: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && origins.includes(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * Temporal's remote codec protocol for the Temporal UI and CLI (`POST /codec/decode`,
 * `/codec/encode`), authorised by an organization's API key: decode opens the sealed personal
 * fields of that organization's bookings and answers plain JSON payloads, so an operator reads
 * them; another organization's, or an anonymized booking's, stay null. Encode seals nothing new
 * (what the UI sends names no booking) and answers the payloads as they came; personal fields set
 * apart for sealing are refused.
 */
export function codecRouter(db: Kysely<Database>, authenticate: RequestHandler, limits: RequestHandler[]): Router {
  const router = Router();
  router.use(authenticate, ...limits);
  router.post('/decode', async (req, res) => {
    const organizationId = organizationOf(req);
    const payloads = parseInput(codecBody, req.body).payloads.map(fromWire);
    const ids = [...new Set(sealedOrRefused(payloads))];
    const own = new Set(ids.length === 0 ? [] : (await db.selectFrom('bookings').select('id')
      .where('organization_id', '=', organizationId).where('id', 'in', ids).execute()).map((row) => row.id));
    const codec = new BookingPayloadCodec(personalKeysOf(db), (bookingId) => own.has(bookingId));
    const decoded = await codec.decode(payloads).catch((error: unknown) => {
      if (unreachableDependency(error)) throw error;
      // Tampered with, or sealed under another key: not a payload this codec can open.
      throw new InvalidInput([{ path: 'payloads', message: 'holds a sealed payload that does not open with its booking\'s key' }]);
    });
    // The UI shows json/plain: a booking's payload is handed over joined, as the workflow saw it.
    const plain = decoded.map((payload, index) => {
      if (encodingOf(payloads[index]) !== SEALED_ENCODING) return payload;
      try {
        return defaultPayloadConverter.toPayload(payloadConverter.fromPayload(payload));
      } catch {
        throw new InvalidInput([{ path: `payloads.${index}.data`, message: 'is not the JSON of a sealed payload' }]);
      }
    });
    res.json({ payloads: plain.map(toWire) });
  });
  router.post('/encode', (req, res) => {
    organizationOf(req);
    const payloads = parseInput(codecBody, req.body).payloads.map(fromWire);
    // Only the workflows' converter sets personal fields apart, each with its booking; from outside
    // they would make keys for any id, so they are refused, and everything else goes back as it came.
    const personal = payloads.findIndex((payload) => encodingOf(payload) === PERSONAL_ENCODING);
    if (personal >= 0) {
      throw new InvalidInput([{ path: `payloads.${personal}.metadata.encoding`, message: `${PERSONAL_ENCODING} payloads are sealed by the workers only` }]);
    }
    res.json({ payloads: payloads.map(toWire) });
  });
  return router;
}
