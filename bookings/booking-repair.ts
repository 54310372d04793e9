/**
 * The reconciler's run for one booking, started by its workflow type's name (the use cases import
 * no workflow code). Its id is the booking's, so concurrent requests share one run: a live booking
 * gets a fresh workflow that adopts it, an ended one its ending.
 */
export function oneBookingReconciliation(bookingId: string, taskQueue: string) {
  return {
    workflowId: `reconcile-booking-${bookingId}`,
    taskQueue,
    args: [{ bookingIds: [bookingId], graceSeconds: 0 }],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
  };
}

export const RECONCILER_WORKFLOW = 'reconcileBookingsWorkflow';
