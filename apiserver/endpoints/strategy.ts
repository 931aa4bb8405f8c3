import type { Endpoints } from '../../shared/api/core.js';
import type { ResourceInfo, SideEffects, Strategy, WriteContext } from '../registry/strategy.js';
import { NO_SIDE_EFFECTS } from '../registry/strategy.js';
import { setEndpointsDefaults } from './defaults.js';
import type { Mirroring } from './mirroring.js';
import { validateEndpoints, validateEndpointsUpdate } from './validation.js';

export const ENDPOINTS_INFO: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  resource: 'endpoints',
  storage: 'endpoints',
  namespaced: true,
};

export class EndpointsStrategy implements Strategy<Endpoints> {
  readonly info = ENDPOINTS_INFO;
  readonly allowCreateOnUpdate = true;

  constructor(private readonly mirroring: Mirroring) {}

  defaults(ep: Endpoints): void {
    setEndpointsDefaults(ep);
  }

  prepareForCreate(): void {}

  validate(ep: Endpoints) {
    return validateEndpoints(ep);
  }

  prepareForUpdate(): void {}

  validateUpdate(ep: Endpoints, old: Endpoints) {
    return validateEndpointsUpdate(ep, old);
  }

  beginCreate(ep: Endpoints, ctx: WriteContext): Promise<SideEffects> | SideEffects {
    return ctx.dryRun ? NO_SIDE_EFFECTS : this.mirroring.effects(ep);
  }

  beginUpdate(ep: Endpoints, _old: Endpoints, ctx: WriteContext): Promise<SideEffects> | SideEffects {
    return ctx.dryRun ? NO_SIDE_EFFECTS : this.mirroring.effects(ep);
  }

  deleteEffects(ep: Endpoints): Promise<SideEffects> {
    return this.mirroring.deleteEffects(ep);
  }
}
