import type { Service } from '../../shared/api/core.js';
import type { PortRange } from '../allocator/node-ports.js';
import { needsHealthCheck } from '../../shared/api/service.js';

/** upstream's numRepairsBeforeLeakCleanup: a leaked port is freed on the third pass that sees it. */
const REPAIRS_BEFORE_LEAK_CLEANUP = 3;

/** A nodePort's key as stored, at its mod revision. */
export interface StoredNodePort {
  modRevision: number;
}

interface NodePortEvent {
  service: Service;
  reason: 'PortNotAllocated' | 'PortAlreadyAllocated' | 'PortOutOfRange';
  message: string;
}

export type NodePortAction = { kind: 'create'; port: number; service: Service } | { kind: 'delete'; port: number; modRevision: number };

/** collectServiceNodePorts: every port's nodePort once, and the health check nodePort. */
function serviceNodePorts(svc: Service): number[] {
  const ports = new Set<number>();
  for (const p of svc.spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  if (needsHealthCheck(svc) && svc.spec.healthCheckNodePort) ports.add(svc.spec.healthCheckNodePort);
  return [...ports];
}

/**
 * One pass of upstream's nodePort repair (portallocator/controller/repair.go) over a snapshot:
 * each Service's nodePorts must be recorded, each recorded port must belong to a Service using
 * it. A port is the first Service's that claims it; later claimants get PortAlreadyAllocated. A
 * port nobody uses is kept for REPAIRS_BEFORE_LEAK_CLEANUP passes (`leaks`, carried between
 * passes) before it is freed, as upstream waits out races with creates in flight.
 */
export function planNodePortRepair(
  services: readonly Service[],
  stored: ReadonlyMap<number, StoredNodePort>,
  range: PortRange,
  leaks: Map<number, number>,
): { events: NodePortEvent[]; actions: NodePortAction[] } {
  const events: NodePortEvent[] = [];
  const actions: NodePortAction[] = [];
  const rebuilt = new Set<number>();
  for (const svc of services) {
    for (const port of serviceNodePorts(svc)) {
      if (!range.contains(port)) {
        events.push({ service: svc, reason: 'PortOutOfRange', message: `Port ${port} is not within the port range ${range.toString()}; please recreate service` });
        continue;
      }
      if (rebuilt.has(port)) {
        events.push({ service: svc, reason: 'PortAlreadyAllocated', message: `Port ${port} was assigned to multiple services; please recreate service` });
        continue;
      }
      rebuilt.add(port);
      leaks.delete(port);
      const record = stored.get(port);
      if (!record) {
        events.push({ service: svc, reason: 'PortNotAllocated', message: `Port ${port} is not allocated; repairing` });
        actions.push({ kind: 'create', port, service: svc });
      }
    }
  }
  for (const [port, record] of stored) {
    if (rebuilt.has(port)) continue;
    const left = leaks.has(port) ? leaks.get(port)! : REPAIRS_BEFORE_LEAK_CLEANUP - 1;
    if (left > 0) leaks.set(port, left - 1);
    else {
      leaks.delete(port);
      actions.push({ kind: 'delete', port, modRevision: record.modRevision });
    }
  }
  return { events, actions };
}
