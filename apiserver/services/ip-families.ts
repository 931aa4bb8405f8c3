import { invalid, type FieldError } from '../errors/field.js';
import { goQuote, goStringSlice } from '../errors/go-format.js';
import type { IPFamily, Service } from '../../shared/api/core.js';
import { ipFamilyOf } from '../../shared/net/ip.js';
import { CLUSTER_IP_NONE, isHeadlessSelectorless } from '../../shared/api/service.js';
import { otherFamily, sameList } from './predicates.js';
import { validateServiceClusterIPsRelatedFields } from './validation.js';

/** The cluster's service IP families, primary (the family of --service-cluster-ip-range[0]) first. */
export interface ServiceIPConfig {
  families: IPFamily[];
}

const POLICY = 'spec.ipFamilyPolicy';

/**
 * Upstream's isMatchingPreferDualStackClusterIPFields: an update that keeps a PreferDualStack
 * Service's type, clusterIPs and ipFamilies is left alone, so that such a Service is never
 * upgraded or downgraded just because the cluster's dual-stackness changed.
 */
export function isMatchingPreferDualStackClusterIPFields(svc: Service, old: Service | undefined): boolean {
  if (!old || svc.spec.ipFamilyPolicy == null) return false;
  const type = svc.spec.type;
  if (old.spec.type !== type) return false;
  if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'LoadBalancer') return false;
  if (svc.spec.ipFamilyPolicy !== 'PreferDualStack') return false;
  if (old.spec.ipFamilyPolicy != null && old.spec.ipFamilyPolicy !== 'PreferDualStack') return false;
  return sameList(old.spec.clusterIPs, svc.spec.clusterIPs) && sameList(old.spec.ipFamilies, svc.spec.ipFamilies);
}

/**
 * alloc.go's initIPFamilyFields, for create (`old` undefined) and update: settles ipFamilyPolicy
 * and ipFamilies against the cluster's families before any IP is allocated. It mutates `svc`.
 * A non-empty result means the request fails with 422 (kind Service) carrying only these errors.
 */
export function initIPFamilyFields(svc: Service, old: Service | undefined, cfg: ServiceIPConfig): FieldError[] {
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return [];
  if (isMatchingPreferDualStackClusterIPFields(svc, old)) return [];
  const configured = new Set(cfg.families);

  // No policy given: keep the stored one, else RequireDualStack for headless+selectorless, else SingleStack.
  if (spec.ipFamilyPolicy == null) {
    if (old && old.spec.ipFamilyPolicy != null) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    else if (isHeadlessSelectorless(svc)) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const policy = spec.ipFamilyPolicy;

  // Loose pre-validation, so the rest need not consider malformed input.
  const preErrs = validateServiceClusterIPsRelatedFields(svc);
  if (preErrs.length > 0) return preErrs;

  const errs: FieldError[] = [];
  if (old) {
    if (policy === 'SingleStack') {
      // Asking for SingleStack while leaving both lists as stored is a clear request to downgrade.
      if (sameList(old.spec.clusterIPs, spec.clusterIPs) && (spec.clusterIPs?.length ?? 0) > 1) spec.clusterIPs = spec.clusterIPs!.slice(0, 1);
      if (sameList(old.spec.ipFamilies, spec.ipFamilies) && (spec.ipFamilies?.length ?? 0) > 1) spec.ipFamilies = spec.ipFamilies!.slice(0, 1);
    } else {
      const reduced = (now: readonly string[] | undefined, before: readonly string[] | undefined) =>
        (now?.length ?? 0) > 0 && now!.length < (before?.length ?? 0);
      if (reduced(spec.clusterIPs, old.spec.clusterIPs)) {
        errs.push(invalid(POLICY, goQuote(policy), "must be 'SingleStack' to release the secondary cluster IP"));
      }
      if (reduced(spec.ipFamilies, old.spec.ipFamilies)) {
        errs.push(invalid(POLICY, goQuote(policy), "must be 'SingleStack' to release the secondary IP family"));
      }
    }
  }

  if (policy === 'SingleStack') {
    if (spec.clusterIPs?.length === 2) {
      errs.push(invalid(POLICY, goQuote(policy), "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if (spec.ipFamilies?.length === 2) {
      errs.push(invalid(POLICY, goQuote(policy), "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
  }

  // Infer missing families from the given clusterIPs (already checked to match where both exist).
  const clusterIPs = spec.clusterIPs ?? [];
  for (let i = 0; i < clusterIPs.length; i++) {
    const ip = clusterIPs[i]!;
    if (ip === CLUSTER_IP_NONE) break;
    if (i < (spec.ipFamilies?.length ?? 0)) continue;
    const family = ipFamilyOf(ip) ?? 'unknown';
    if (!configured.has(family as IPFamily)) {
      errs.push(invalid(`spec.clusterIPs[${i}]`, goStringSlice(spec.clusterIPs), `${family} is not configured on this cluster`));
    } else {
      spec.ipFamilies = [...(spec.ipFamilies ?? []), family as IPFamily];
    }
  }
  if (errs.length > 0) return errs;

  // Headless and selectorless: the endpoints may be of either family, even on a single-stack
  // cluster, so none of the "configured on this cluster" checks apply.
  if (isHeadlessSelectorless(svc)) {
    if ((spec.ipFamilies?.length ?? 0) === 0) spec.ipFamilies = [cfg.families[0]!];
    const families = spec.ipFamilies!;
    if (families.length < 2 && policy !== 'SingleStack') spec.ipFamilies = [...families, otherFamily(families[0] as IPFamily)];
    return [];
  }

  if (policy === 'RequireDualStack' && cfg.families.length < 2) {
    errs.push(invalid(POLICY, goQuote(policy), 'this cluster is not configured for dual-stack services'));
  }
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (!configured.has(family as IPFamily)) errs.push(invalid(`spec.ipFamilies[${i}]`, goQuote(family), 'not configured on this cluster'));
  });
  if (errs.length > 0) return errs;

  if ((spec.ipFamilies?.length ?? 0) === 0) spec.ipFamilies = [cfg.families[0]!];
  const families = spec.ipFamilies!;
  if (policy !== 'SingleStack' && families.length === 1 && cfg.families.length === 2) {
    spec.ipFamilies = [...families, otherFamily(families[0] as IPFamily)];
  }
  return [];
}
