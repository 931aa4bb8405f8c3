import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The same request kubectl would make, for machines (or containers) without kubectl. */
interface HttpEquivalent {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** What kubectl prints on success, e.g. `service/web created`. */
  success: string;
  /** For reads: what kubectl would print from the answer's body. */
  render?: (body: unknown) => string;
}

/** One command of the walkthrough: kubectl's arguments, its stdin, and the request behind it. */
export interface Command {
  args: string[];
  stdin?: string;
  http: HttpEquivalent;
}

export interface DemoClient {
  /** How commands are run, for the walkthrough's introduction. */
  readonly how: string;
  run(command: Command): Promise<Outcome>;
}

/** A kubeconfig for a plain-HTTP apiserver without authentication. */
export function writeKubeconfig(path: string, server: string): void {
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: clusterip-lab',
      '  cluster:',
      `    server: ${server}`,
      'contexts:',
      '- name: clusterip-lab',
      '  context:',
      '    cluster: clusterip-lab',
      '    namespace: default',
      '    user: anonymous',
      'users:',
      '- name: anonymous',
      '  user: {}',
      'current-context: clusterip-lab',
      '',
    ].join('\n'),
  );
}

export function kubectlAvailable(bin = process.env.KUBECTL ?? 'kubectl'): boolean {
  return spawnSync(bin, ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** The real kubectl, with the walkthrough's kubeconfig. */
export class Kubectl implements DemoClient {
  readonly how: string;

  constructor(
    private readonly kubeconfig: string,
    private readonly bin = process.env.KUBECTL ?? 'kubectl',
  ) {
    this.how = `the real kubectl (${bin}), with --kubeconfig ${kubeconfig}`;
  }

  run(command: Command): Promise<Outcome> {
    return new Promise((resolve) => {
      const child = execFile(this.bin, ['--kubeconfig', this.kubeconfig, ...command.args], { timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(command.stdin ?? '');
    });
  }
}

/** Without kubectl: the same requests over HTTP, answered the way kubectl prints them. */
export class HttpClient implements DemoClient {
  readonly how = 'HTTP requests (kubectl was not found: each step shows the kubectl command and sends the request it would send)';

  constructor(private readonly server: string) {}

  async run(command: Command): Promise<Outcome> {
    const { method, path, body, success, render } = command.http;
    const res = await fetch(this.server + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as { message?: string; reason?: string; details?: { kind?: string; name?: string; causes?: { field?: string; message?: string }[] } };
    if (res.ok) return { code: 0, stdout: `${render ? render(answer) : success}\n`, stderr: '' };
    return { code: 1, stdout: '', stderr: `${kubectlError(answer)}\n` };
  }
}

/** kubectl's rendering of a Status: "The Service ... is invalid: ..." or "Error from server (Reason): ...". */
function kubectlError(status: { message?: string; reason?: string; details?: { kind?: string; name?: string; causes?: { field?: string; message?: string }[] } }): string {
  const causes = status.details?.causes ?? [];
  if (status.reason === 'Invalid' && causes.length) {
    const head = `The ${status.details?.kind} "${status.details?.name}" is invalid: `;
    if (causes.length === 1) return head + `${causes[0]!.field}: ${causes[0]!.message}`;
    return head + '\n' + causes.map((c) => `* ${c.field}: ${c.message}`).join('\n');
  }
  return `Error from server (${status.reason ?? 'Unknown'}): ${status.message ?? ''}`;
}
