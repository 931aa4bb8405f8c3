import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './respond.js';

export interface Check {
  name: string;
  /** Resolves to undefined when healthy, or to a reason. */
  run(): Promise<string | undefined>;
}

/** /healthz, /livez and /readyz in kube-apiserver's text form: `ok`, or the failing checks and a 500. */
export function healthHandler(kind: 'healthz' | 'livez' | 'readyz', checks: Check[]) {
  return async (_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const results = await Promise.all(checks.map(async (c) => ({ name: c.name, failure: await c.run().catch((e: Error) => e.message) })));
    const failed = results.filter((r) => r.failure !== undefined);
    if (failed.length === 0 && !url.searchParams.has('verbose')) return sendText(res, 200, 'ok');
    const lines = ['[+]ping ok', ...results.map((r) => (r.failure === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`))];
    lines.push(failed.length ? `${kind} check failed` : `${kind} check passed`);
    sendText(res, failed.length ? 500 : 200, lines.join('\n') + '\n');
  };
}
