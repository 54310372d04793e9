import type { HoldRequest } from '../domain/booking-types';
import type { ServiceWithResources } from '../db/services';
import { InvalidInput } from './errors';

/**
 * The named group a reservation asks for, checked against the service: it must be one of its
 * groups, and only a service whose groups serve a booking one at a time (mode `one`) lets the
 * customer choose; in mode `all` every group is booked anyway.
 */
export function resourceGroupOf(service: ServiceWithResources, body: { resource_group?: string }): Pick<HoldRequest, 'resourceGroup'> {
  const name = body.resource_group;
  if (name === undefined) return {};
  const known = service.resource_groups.map((group) => group.name);
  if (!known.includes(name)) {
    throw new InvalidInput([{
      path: 'resource_group',
      message: known.length === 0 ? `service ${service.id} has no resource groups` : `must be one of ${known.join(', ')}`,
    }]);
  }
  if (service.resource_mode === 'all') {
    throw new InvalidInput([{ path: 'resource_group', message: 'in mode "all" a booking takes a member of every group; name resource_ids instead' }]);
  }
  return { resourceGroup: name };
}
