import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Family } from '../shared/net/ip.js';
import { LabNode, labUnavailable } from '../proxy-sim/lab/node.js';
import type { NodeSettings } from '../proxy-sim/render/node-config.js';
import type { Narrator } from './narrator.js';

const run = promisify(execFile);

/** The demo's lab node, or why there is none (then step 5 is one line saying so). */
export interface DemoLab {
  node?: LabNode;
  why?: string;
}

/** Builds the lab node `demo` when this is Linux and root; never fails the demo. */
export function openDemoLab(settings: NodeSettings, families: readonly Family[], log: (line: string) => void): DemoLab {
  const why = labUnavailable();
  if (why) return { why };
  const node = new LabNode('demo', settings, families, log);
  try {
    node.create();
    return { node };
  } catch (err) {
    return { why: err instanceof Error ? err.message : String(err) };
  }
}

/** One request from the client pod: curl when it is installed, else a TCP connection. */
async function request(node: LabNode, ip: string, port: number): Promise<string> {
  const url = `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}/`;
  try {
    const { stdout } = await run('ip', ['netns', 'exec', node.client, 'curl', '-sS', '--max-time', '3', url]);
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return stderr || (err instanceof Error ? err.message : String(err));
  }
}

const curlLine = (node: LabNode, ip: string, port: number) => `sudo ip netns exec ${node.client} curl -s http://${ip.includes(':') ? `[${ip}]` : ip}:${port}/`;

/**
 * Step 5, real packets: the client pod curls the clusterIP `count` times and the endpoint
 * that answered is shown each time. Returns the answers.
 */
export async function curlStep(n: Narrator, lab: DemoLab, title: string, ip: string, port: number, count: number): Promise<string[] | undefined> {
  n.step5(title);
  if (!lab.node) {
    n.note(`skipped: ${lab.why} (this step needs root on Linux: it builds a node in network namespaces)`);
    return undefined;
  }
  n.command(curlLine(lab.node, ip, port));
  const answers: string[] = [];
  for (let i = 0; i < count; i++) answers.push(await request(lab.node, ip, port));
  n.block(answers.map((a, i) => `${i + 1}: ${a}`).join('\n'));
  return answers;
}

/** Waits until the endpoints' pods answer (their servers start with the sync that lists them). */
export async function waitForAnswers(lab: DemoLab, ip: string, port: number, endpoints: readonly string[], timeoutMs = 15_000): Promise<void> {
  if (!lab.node) return;
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !endpoints.every((e) => seen.has(e))) {
    const a = await request(lab.node, ip, port);
    const ep = /^(\S+) from /.exec(a)?.[1];
    if (ep) seen.add(ep);
    else await new Promise((r) => setTimeout(r, 200));
  }
}
