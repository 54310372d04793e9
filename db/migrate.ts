import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/0001_foundation';
import * as groupSlots from './migrations/0002_group_slots';
import * as webhooks from './migrations/0003_webhooks';
import * as remindersCheckIn from './migrations/0004_reminders_check_in';
import * as sessions from './migrations/0005_sessions';
import * as bookingCallbacks from './migrations/0006_booking_callbacks';
import * as apiKeys from './migrations/0008_api_keys';
import * as workerHeartbeats from './migrations/0010_worker_heartbeats';
import * as schedulerParity from './migrations/0012_scheduler_parity';
import * as customerPages from './migrations/0013_customer_pages';
import * as personalData from './migrations/0014_personal_data';
import * as rateLimitCounters from './migrations/0015_rate_limit_counters';
import * as bookingStatusCheck from './migrations/0016_booking_status_check';
import * as calendarConnections from './migrations/0020_calendar_connections';
import * as calendarBookingEvents from './migrations/0021_calendar_booking_events';
import * as reconcilerAnomalies from './migrations/0022_reconciler_anomalies';
import * as organizationPages from './migrations/0023_organization_pages';
import * as bookingLocaleSealedMail from './migrations/0024_booking_locale_sealed_mail';
import * as externalBusyTime from './migrations/0025_external_busy_time';
import * as externalBusyPeriods from './migrations/0026_external_busy_periods';
import * as eventDeliveryPlan from './migrations/0027_event_delivery_plan';

/** Listed here rather than read from disk, so the same migrations run under tsx, jest and bundles. */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_group_slots': groupSlots,
  '0003_webhooks': webhooks,
  '0004_reminders_check_in': remindersCheckIn,
  '0005_sessions': sessions,
  '0006_booking_callbacks': bookingCallbacks,
  '0008_api_keys': apiKeys,
  '0010_worker_heartbeats': workerHeartbeats,
  '0012_scheduler_parity': schedulerParity,
  '0013_customer_pages': customerPages,
  '0014_personal_data': personalData,
  '0015_rate_limit_counters': rateLimitCounters,
  '0016_booking_status_check': bookingStatusCheck,
  '0020_calendar_connections': calendarConnections,
  '0021_calendar_booking_events': calendarBookingEvents,
  '0022_reconciler_anomalies': reconcilerAnomalies,
  '0023_organization_pages': organizationPages,
  '0024_booking_locale_sealed_mail': bookingLocaleSealedMail,
  '0025_external_busy_time': externalBusyTime,
  '0026_external_busy_periods': externalBusyPeriods,
  '0027_event_delivery_plan': eventDeliveryPlan,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
