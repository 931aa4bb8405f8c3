/** A v1 NamespaceCondition, in Go field order. */
export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** What a deletion pass left behind: objects per `<resource>.<group>`, and per finalizer. */
export interface Remaining {
  resources: Map<string, number>;
  finalizers: Map<string, number>;
}

/** The conditions the namespace deleter owns, in upstream's order, with their "all is well" reason and message. */
const OWNED: readonly [type: string, reason: string, message: string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

/**
 * The five conditions after one deletion pass, as upstream's namespaceConditionUpdater words
 * them (discovery and parsing cannot fail here: the kinds are compiled in). Lists are sorted,
 * as upstream sorts them for stable updates.
 */
export function deletionConditions(remaining: Remaining): NamespaceCondition[] {
  const failing = new Map<string, { reason: string; message: string }>();
  const resources = [...remaining.resources].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`);
  if (resources.length) failing.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.sort().join(', ')}` });
  const finalizers = [...remaining.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
  if (finalizers.length) {
    failing.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.sort().join(', ')}` });
  }
  return OWNED.map(([type, reason, message]) => {
    const bad = failing.get(type);
    return bad ? { type, status: 'True', reason: bad.reason, message: bad.message } : { type, status: 'False', reason, message };
  });
}

/**
 * upstream's updateConditions: each owned condition added if missing, or updated in place when
 * its status, reason or message differ; the transition time moves only when the status does.
 */
export function mergeConditions(existing: readonly NamespaceCondition[], wanted: readonly NamespaceCondition[], now: string): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const w of wanted) {
    const old = conditions.find((c) => c.type === w.type);
    if (!old) {
      conditions.push({ type: w.type, status: w.status, lastTransitionTime: now, reason: w.reason, message: w.message });
      changed = true;
    } else if (old.status !== w.status || old.reason !== w.reason || old.message !== w.message) {
      if (old.status !== w.status) old.lastTransitionTime = now;
      old.status = w.status;
      old.reason = w.reason;
      old.message = w.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
