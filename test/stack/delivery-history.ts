import type { WorkflowHandle } from '@temporalio/client';

/**
 * What a delivery workflow ran, once it has ended, in its history's order: each activity it
 * scheduled by name, and each first attempt it made in the worker (a local activity, recorded as
 * a marker) as `<name> (first attempt)`.
 */
export async function sendsOf(handle: WorkflowHandle): Promise<string[]> {
  await handle.result();
  const sends: string[] = [];
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) sends.push(scheduled);
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      const data = marker.details?.data?.payloads?.[0]?.data;
      const { activity_type: type } = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { activity_type: string };
      sends.push(`${type} (first attempt)`);
    }
  }
  return sends;
}
