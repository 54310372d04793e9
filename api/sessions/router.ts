import { Router } from 'express';
import { listSessions } from '../../db/sessions';
import { organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { replayable } from '../idempotency';
import { parseInput, pathId } from '../validation';
import {
  cancelSession, changeSessionCapacity, createSessions, readSessionWithBookings, requireSession, type SessionCommandDeps,
} from '../../bookings/sessions';
import {
  cancelSessionBody, createSessionBody, listSessionsQuery, readSessionQuery, toSessionResponse, updateSessionBody,
} from './schemas';

export function sessionsRouter(deps: SessionCommandDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createSessionBody, req.body);
    const created = await replayable(deps.db, req, organizationId, 'POST /v1/sessions', async () => {
      const { seriesId, sessions } = await createSessions(deps.db, organizationId, body);
      const data = sessions.map((session) => toSessionResponse({ ...session, waitlist_length: 0 }));
      return { status: 201, body: seriesId ? { series_id: seriesId, data } : data[0] };
    });
    res.status(created.status).json(created.body);
  });

  router.get('/', async (req, res) => {
    const query = parseInput(listSessionsQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listSessions(deps.db, {
      organizationId: organizationOf(req), serviceId: query.service, seriesId: query.series,
      from: query.from, to: query.to, limit: query.limit, after: after && { startAt: after.at, id: after.id },
    });
    res.json({
      data: rows.map((row) => toSessionResponse(row, query.timezone)),
      next_cursor: nextCursor(rows, query.limit, (row) => row.start_at),
    });
  });

  router.get('/:id', async (req, res) => {
    const query = parseInput(readSessionQuery, req.query);
    const organizationId = organizationOf(req);
    const sessionId = pathId(req.params.id, 'session');
    if (query.include !== 'bookings') {
      res.json(toSessionResponse(await requireSession(deps.db, organizationId, sessionId), query.timezone));
      return;
    }
    const { session, bookings } = await readSessionWithBookings(deps.db, organizationId, sessionId);
    // The list holds the whole queue in order, so a waiting booking's place is its rank in it.
    let place = 0;
    res.json(toSessionResponse(session, query.timezone, bookings.map((booking) => ({
      ...booking, waitlist_position: booking.status === 'waitlisted' ? (place += 1) : null,
    }))));
  });

  router.patch('/:id', async (req, res) => {
    const organizationId = organizationOf(req);
    const sessionId = pathId(req.params.id, 'session');
    const body = parseInput(updateSessionBody, req.body);
    res.json(toSessionResponse(await changeSessionCapacity(deps, organizationId, sessionId, body)));
  });

  router.post('/:id/cancel', async (req, res) => {
    const organizationId = organizationOf(req);
    const sessionId = pathId(req.params.id, 'session');
    const { reason } = parseInput(cancelSessionBody, req.body);
    const { session, bookingIds } = await cancelSession(deps, organizationId, sessionId, reason);
    res.json({ ...toSessionResponse(session), cancelled_booking_ids: bookingIds });
  });

  return router;
}
