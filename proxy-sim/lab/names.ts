/**
 * Every namespace the lab creates is named `cliplab-<lab>-<role>`, and a live lab keeps its
 * pid in a file, so that a lab that died without cleaning up can be recognised and removed
 * at the next start, while another lab that is still running is left alone.
 */
export const NS_PREFIX = 'cliplab-';
export const PID_DIR = '/run/clusterip-lab';

const LAB_NAME = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;

export function checkLabName(name: string): string | undefined {
  return LAB_NAME.test(name) ? undefined : `--netns: "${name}" must be 1 to 20 lower-case letters, digits and dashes`;
}

export const nodeNs = (lab: string) => `${NS_PREFIX}${lab}-node`;
export const remoteNs = (lab: string) => `${NS_PREFIX}${lab}-remote`;
export const clientNs = (lab: string) => `${NS_PREFIX}${lab}-client`;
export const podNs = (lab: string, n: number) => `${NS_PREFIX}${lab}-pod${n}`;

const ROLE = /^cliplab-(.+)-(node|remote|client|pod\d+)$/;

/** The lab a namespace belongs to, from its name; undefined for names the lab never makes. */
export function labOf(namespace: string): string | undefined {
  return ROLE.exec(namespace)?.[1];
}

/** Names from `ip netns list`, whose lines look like `name (id: 3)` or just `name`. */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(' ')[0]!)
    .filter((n) => n !== '');
}
