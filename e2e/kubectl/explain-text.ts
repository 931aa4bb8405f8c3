/**
 * The DESCRIPTION of `kubectl explain service.spec.clusterIP` as the project's seed shows it. It
 * is the OpenAPI v2 rendering (`--output=plaintext-openapiv2`, the default before kubectl 1.27),
 * which every kubectl from 1.27 to 1.33 still prints byte for byte; the v3 rendering wraps the
 * same words differently.
 */
export const SEED_CLUSTER_IP_DESCRIPTION = `
     clusterIP is the IP address of the service and is usually assigned
     randomly. If an address is specified manually, is in-range (as per system
     configuration), and is not in use, it will be allocated to the service;
     otherwise creation of the service will fail. This field may not be changed
     through updates unless the type field is also being changed to ExternalName
     (which requires this field to be blank) or the type field is being changed
     from ExternalName (in which case this field may optionally be specified, as
     describe above). Valid values are "None", empty string (""), or a valid IP
     address. Setting this to "None" makes a "headless service" (no virtual IP),
     which is useful when direct endpoint connections are preferred and proxying
     is not required. Only applies to types ClusterIP, NodePort, and
     LoadBalancer. If this field is specified when creating a Service of type
     ExternalName, creation will fail. This field will be wiped when updating a
     Service to type ExternalName. More info:
     https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies
`;

export const words = (text: string) => text.trim().split(/\s+/).join(' ');

/** The DESCRIPTION block of kubectl explain's output, as printed (indented lines up to a blank one). */
export function descriptionBlock(out: string): string {
  const lines = out.split('\n');
  const start = lines.indexOf('DESCRIPTION:');
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    body.push(line);
  }
  return body.join('\n');
}
