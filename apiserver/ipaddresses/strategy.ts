import type { IPAddress } from '../../shared/api/networking.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { validateIPAddress, validateIPAddressUpdate } from './validation.js';

export const IPADDRESS_INFO: ResourceInfo = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IPAddress',
  listKind: 'IPAddressList',
  resource: 'ipaddresses',
  storage: 'ipaddresses',
  namespaced: false,
};

/**
 * IPAddress as registry/networking/ipaddress: no status, nothing reset; a hand-made one reserves
 * its IP, since the allocator treats every key under ipaddresses/ as taken.
 */
export class IPAddressStrategy implements Strategy<IPAddress> {
  readonly info = IPADDRESS_INFO;
  readonly allowCreateOnUpdate = false;

  prepareForCreate(): void {}

  validate(ip: IPAddress) {
    return validateIPAddress(ip);
  }

  prepareForUpdate(): void {}

  validateUpdate(ip: IPAddress, old: IPAddress) {
    return [...validateIPAddress(ip), ...validateIPAddressUpdate(ip, old)];
  }
}
