import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { findBookingById } from '../db/bookings';
import { useApiKey } from '../db/api-keys';
import type { Database } from '../db/schema';
import { Forbidden, NotFound, Unauthorized } from './errors';
import { verifyManageToken } from '../outbound/manage-token';

/** Who is calling: an organization's application (API key) or the customer of one booking. */
export type Principal =
  | { kind: 'organization'; organizationId: string }
  | { kind: 'customer'; organizationId: string; bookingId: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(db: Kysely<Database>, manageTokenSecret: string): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new Unauthorized('send "Authorization: Bearer <API key or booking manage token>"');
    const token = match[1];
    if (token.startsWith('mt_')) {
      const bookingId = verifyManageToken(manageTokenSecret, token);
      const booking = bookingId ? await findBookingById(db, bookingId) : undefined;
      if (!booking) throw new Unauthorized('the manage token is not valid');
      req.principal = { kind: 'customer', organizationId: booking.organization_id, bookingId: booking.id };
    } else {
      const organizationId = await useApiKey(db, token);
      if (!organizationId) throw new Unauthorized('the API key is not valid or has been revoked');
      req.principal = { kind: 'organization', organizationId };
    }
    next();
  };
}

export function organizationOf(req: Request): string {
  if (req.principal?.kind !== 'organization') throw new Forbidden('this route needs an API key');
  return req.principal.organizationId;
}

/** The organization, or the customer holding this very booking's token; anyone else sees nothing. */
export function bookingAccess(req: Request, bookingId: string): { organizationId: string; actor: 'customer' | 'organization' } {
  const principal = req.principal!;
  if (principal.kind === 'customer' && principal.bookingId !== bookingId) throw new NotFound(`booking ${bookingId} not found`);
  return { organizationId: principal.organizationId, actor: principal.kind === 'customer' ? 'customer' : 'organization' };
}
