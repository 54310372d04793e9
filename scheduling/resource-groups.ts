import { checkStart } from './check-start';
import type { CheckStartInput, CheckStartResult, ListSlotsInput, ResourceGroup, ResourceMode, Slot } from './model';
import { listSlots } from './slots';

/**
 * A service's resources in named groups (Aurinko's groups): each group needs `one` of its members
 * or `all` of them, and `across` says whether every group must be satisfied (`all`: one booking
 * takes something from each) or any one group is enough (`one`: the booking is served by a
 * single group). `all` is what the engine does with `groups`; `one` asks it group by group.
 */
export interface GroupedResources {
  groups: ResourceGroup[];
  across: ResourceMode;
}

/** Slots where the groups are satisfied; with `across: 'one'` each slot lists the groups free then. */
export function listSlotsOfGroups(input: Omit<ListSlotsInput, 'groups' | 'mode'>, grouped: GroupedResources): Slot[] {
  if (grouped.across === 'all') return listSlots({ ...input, groups: grouped.groups });
  const byStart = new Map<number, Slot>();
  for (const group of grouped.groups) {
    for (const slot of listSlots({ ...input, groups: [group] })) {
      const seen = byStart.get(slot.start);
      if (!seen) {
        byStart.set(slot.start, { ...slot, resources: slot.resources.slice(), groups: slot.groups.slice() });
        continue;
      }
      seen.groups.push(...slot.groups);
      for (const id of slot.resources) if (!seen.resources.includes(id)) seen.resources.push(id);
      seen.spacesLeft = Math.max(seen.spacesLeft, slot.spacesLeft);
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/**
 * Whether `start` can be booked: with `across: 'one'` by the first group (in the service's order)
 * that can serve it, else the first group's refusal; the engine's own check otherwise.
 */
export function checkStartOfGroups(input: Omit<CheckStartInput, 'groups' | 'mode'>, grouped: GroupedResources): CheckStartResult {
  if (grouped.across === 'all') return checkStart({ ...input, groups: grouped.groups });
  let firstRefusal: CheckStartResult | null = null;
  for (const group of grouped.groups) {
    const verdict = checkStart({ ...input, groups: [group] });
    if (verdict.ok) return verdict;
    firstRefusal ??= verdict;
  }
  return firstRefusal ?? { ok: false, reason: 'no_resource_free', message: 'the service has no resource group' };
}

/** The groups narrowed to some of their resources; a group left without members drops out. */
export function narrowGroups(groups: ResourceGroup[], resourceIds: string[]): ResourceGroup[] {
  return groups
    .map((group) => ({ ...group, resourceIds: group.resourceIds.filter((id) => resourceIds.includes(id)) }))
    .filter((group) => group.resourceIds.length > 0);
}
