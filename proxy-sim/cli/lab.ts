import type { Family } from '../../shared/net/ip.js';
import type { NodeSettings } from '../render/node-config.js';
import { checkLabName } from '../lab/names.js';
import { LabNode, labUnavailable } from '../lab/node.js';

/**
 * `--netns <name>`: refuses clearly where namespaces cannot be made, else builds the lab
 * node. Its namespaces go with the process: on a normal exit, SIGINT, SIGTERM, or a crash.
 */
export function openLab(name: string, node: NodeSettings, families: readonly Family[], log: (line: string) => void): LabNode {
  const bad = checkLabName(name);
  if (bad) throw new Error(bad);
  const why = labUnavailable();
  if (why) throw new Error(`--netns: cannot build a lab node: ${why}. Printing rules works without it.`);
  const lab = new LabNode(name, node, families, log);
  lab.create();
  process.once('exit', () => lab.destroy());
  // From now on, also while live mode is still starting: a signal takes the namespaces with it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      lab.destroy();
      process.exit(0);
    });
  }
  process.once('uncaughtException', (err) => {
    lab.destroy();
    log(`proxy-sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
  return lab;
}
