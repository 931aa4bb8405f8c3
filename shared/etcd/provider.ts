import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, mkdirSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import { freePort } from '../net/free-port.js';
import { waitForHealth } from './health.js';

/** The official image the Testcontainers path uses when ETCD_IMAGE is not set. */
const DEFAULT_ETCD_IMAGE = 'gcr.io/etcd-development/etcd:v3.5.21';

type EtcdSource = 'env' | 'docker' | 'binary';

export interface EtcdHandle {
  endpoints: string[];
  source: EtcdSource;
  /** What was started, for people reading the logs. */
  description: string;
  /** Stops etcd and starts it again on the same data and ports (not for ETCD_ENDPOINTS). */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

interface ProvideOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Only a container will do (tests of the Testcontainers path): no ETCD_ENDPOINTS, no binary. */
  requireDocker?: boolean;
}

/**
 * Finds or starts a real etcd, in this order: ETCD_ENDPOINTS; a container through
 * Testcontainers when a Docker engine answers (unless ETCD_SOURCE=binary); an etcd binary
 * (ETCD_BIN, then PATH); and last, installing one.
 *
 * On CI with ETCD_IMAGE set, Docker is expected: if it does not answer, this fails instead of
 * quietly testing the binary path.
 */
export async function provideEtcd(options: ProvideOptions = {}): Promise<EtcdHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);

  if (env.ETCD_ENDPOINTS && !options.requireDocker) {
    const endpoints = env.ETCD_ENDPOINTS.split(',').map((e) => e.trim()).filter(Boolean);
    return { endpoints, source: 'env', description: `etcd at ${endpoints.join(',')} (ETCD_ENDPOINTS)`, stop: async () => undefined };
  }

  const dockerExpected = options.requireDocker || (env.CI === 'true' && Boolean(env.ETCD_IMAGE));
  if (env.ETCD_SOURCE === 'binary' && !options.requireDocker) {
    log('ETCD_SOURCE=binary: not asking Docker');
  } else if (await dockerAnswers()) {
    try {
      return await startContainer(env.ETCD_IMAGE || DEFAULT_ETCD_IMAGE, log);
    } catch (err) {
      if (dockerExpected) throw err;
      log(`could not start etcd in Docker (${err instanceof Error ? err.message : String(err)}); trying an etcd binary`);
    }
  } else if (dockerExpected) {
    throw new Error(
      options.requireDocker
        ? 'no Docker engine answers, and this needs etcd in a container'
        : 'CI=true and ETCD_IMAGE is set, but no Docker engine answers: refusing to fall back to an etcd binary',
    );
  }

  let bin = findBinary(env);
  if (!bin) {
    bin = installEtcd(log);
  }
  return startBinary(bin, log);
}

async function dockerAnswers(): Promise<boolean> {
  // Containers here run with host networking, so the host is loopback; and the Ryuk reaper
  // image cannot be pulled on an offline machine. Both can still be overridden.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await withTimeout(getContainerRuntimeClient(), 10_000);
    return true;
  } catch {
    return false;
  }
}

async function startContainer(image: string, log: (line: string) => void): Promise<EtcdHandle> {
  const { GenericContainer } = await import('testcontainers');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  log(`starting etcd in a container from ${image} on ${client}`);
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withEntrypoint(['/usr/local/bin/etcd'])
    .withCommand(etcdArgs('/var/lib/etcd/data', client, peer))
    .withWaitStrategy(new EtcdHealthWait(client))
    .withStartupTimeout(60_000)
    .start();
  return {
    endpoints: [client],
    source: 'docker',
    description: `etcd container ${container.getId().slice(0, 12)} (${image}) on ${client}`,
    restart: async () => {
      await container.restart({ timeout: 2000 });
      await waitForHealth(client, 60_000);
    },
    stop: async () => {
      await container.stop({ timeout: 2000 });
    },
  };
}

function findBinary(env: NodeJS.ProcessEnv): string | undefined {
  if (env.ETCD_BIN) return env.ETCD_BIN;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'etcd');
    if (dir && existsSync(candidate)) return candidate;
  }
  const cached = join(process.cwd(), '.cache', 'etcd', 'etcd');
  return existsSync(cached) ? cached : undefined;
}

const PINNED_RELEASE = 'v3.5.21';

function installEtcd(log: (line: string) => void): string {
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log('no etcd found: installing the etcd-server package with apt-get');
    const res = spawnSync('apt-get', ['install', '-y', 'etcd-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (res.status === 0 && existsSync('/usr/bin/etcd')) return '/usr/bin/etcd';
  }
  const dir = join(process.cwd(), '.cache', 'etcd');
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `https://github.com/etcd-io/etcd/releases/download/${PINNED_RELEASE}/etcd-${PINNED_RELEASE}-linux-${arch}.tar.gz`;
  log(`no etcd found: downloading ${url} into ${dir}`);
  mkdirSync(dir, { recursive: true });
  const res = spawnSync('sh', ['-c', `curl -fsSL "${url}" | tar xz -C "${dir}" --strip-components=1`], { stdio: 'inherit' });
  if (res.status === 0 && existsSync(join(dir, 'etcd'))) return join(dir, 'etcd');
  throw new Error(
    'no etcd available. Install one and run again: on Debian or Ubuntu `sudo apt-get install -y etcd-server`; ' +
      `elsewhere download ${PINNED_RELEASE} from https://github.com/etcd-io/etcd/releases, ` +
      'or point ETCD_BIN at a binary, or ETCD_ENDPOINTS at a running etcd.',
  );
}

async function startBinary(bin: string, log: (line: string) => void): Promise<EtcdHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clusterip-lab-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  log(`starting ${bin} on ${client} (data in ${dataDir})`);
  let child: ChildProcess;
  const spawnEtcd = async () => {
    child = spawn(bin, etcdArgs(join(dataDir, 'data'), client, peer), { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.pipe(createWriteStream(join(dataDir, 'etcd.log'), { flags: 'a' }));
    await Promise.race([waitForHealth(client, 30_000), exited(child)]);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const cleanup = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  try {
    await spawnEtcd();
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    endpoints: [client],
    source: 'binary',
    description: `etcd process ${child!.pid} (${bin}) on ${client}`,
    restart: async () => {
      await kill();
      await spawnEtcd();
    },
    stop: async () => {
      process.removeListener('exit', cleanup);
      await kill();
      cleanup();
    },
  };
}

function etcdArgs(dataDir: string, client: string, peer: string): string[] {
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--log-level=warn',
  ];
}

function exited(child: ChildProcess): Promise<never> {
  return new Promise((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`etcd exited early (code ${code}, signal ${signal})`)));
    child.once('error', reject);
  });
}

/** A Testcontainers wait strategy that polls etcd's /health: etcd images have no shell. */
class EtcdHealthWait {
  private timeoutMs = 60_000;
  private timeoutSet = false;
  constructor(private readonly url: string) {}
  async waitUntilReady(): Promise<void> {
    await waitForHealth(this.url, this.timeoutMs);
  }
  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]);
}
