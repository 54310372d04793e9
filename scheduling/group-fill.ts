/**
 * The free members of a `one` group in the order a group appointment takes them: a member whose
 * group at this start is already open (some seats taken) before one that would open a new group,
 * the fullest open group first, so groups fill before new ones open (Appointedd's rule). Members
 * equally filled keep the order given (the service's, or the customer's preference).
 */
export function fillingOrder(freeMembers: string[], seatsTaken: ReadonlyMap<string, number> | undefined): string[] {
  if (!seatsTaken || seatsTaken.size === 0) return freeMembers;
  const taken = (id: string) => seatsTaken.get(id) ?? 0;
  // Array.prototype.sort is stable, so ties keep the given order.
  return [...freeMembers].sort((a, b) => taken(b) - taken(a));
}
