import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Service } from '../shared/api/core.js';
import type { EndpointSlice } from '../shared/api/discovery.js';
import { buildProxierConfig } from '../proxy-sim/render/node-config.js';
import { Proxier, type SyncResult } from '../proxy-sim/sync/proxier.js';
import { ep, slice, svc, testNode } from '../proxy-sim/testing/objects.js';

/**
 * proxy-sim's rendering cost: a full sync (cold: every rule rendered) of N Services with 10
 * endpoints each, the periodic full sync that follows (rules cached), and the partial sync
 * after one Service's endpoints change. Each size runs in its own process (with --expose-gc),
 * so garbage from one size is not charged to the next and RSS is that of one proxier.
 */
const ENDPOINTS_PER_SERVICE = 10;
const SIZES = [1000, 2000, 5000, 10_000];
const REPEATS = 3;

interface Row {
  services: number;
  ingestMs: number;
  fullMs: number;
  fullMB: number;
  cachedFullMs: number;
  partialMs: number;
  partialKB: number;
  rssMB: number;
}

function objects(n: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    services.push(svc(`bench/${name}`, { clusterIP: `172.30.${i >> 8}.${i & 255}`, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
    const eps = Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, j) => ep(`10.${(i >> 8) & 255}.${i & 255}.${j + 1}`, { nodeName: j === 0 ? 'test-node' : 'other' }));
    slices.push(slice(`bench/${name}-abcde`, name, eps, [{ name: 'http', port: 8080, protocol: 'TCP' }]));
  }
  return { services, slices };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const discard = () => undefined;
const sliceKey = (s: EndpointSlice) => `/registry/endpointslices/bench/${s.metadata.name}`;

/** A fresh proxier fed `n` Services, and its first (full, cold) sync. */
function coldFullSync(services: Service[], slices: EndpointSlice[]) {
  gc();
  const proxier = new Proxier({ config: buildProxierConfig(testNode(), 4), syncPeriodMs: 3_600_000 });
  let t = performance.now();
  for (const s of services) proxier.onService(`${s.metadata.namespace}/${s.metadata.name}`, s);
  for (const s of slices) proxier.onEndpointSlice(sliceKey(s), s, 1);
  const ingestMs = performance.now() - t;
  gc();
  t = performance.now();
  const full = proxier.sync(discard);
  return { proxier, full, ingestMs, fullMs: performance.now() - t };
}

function measure(n: number): Row {
  const { services, slices } = objects(n);
  const ingest: number[] = [];
  const fulls: number[] = [];
  const kept: ReturnType<typeof coldFullSync>[] = [];
  for (let r = 0; r < REPEATS; r++) {
    kept.length = 0; // let the previous proxier go before the next one is built
    kept.push(coldFullSync(services, slices));
    ingest.push(kept[0]!.ingestMs);
    fulls.push(kept[0]!.fullMs);
  }
  const { proxier: p, full } = kept[0]!;
  let rev = 1;

  const cached: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    gc();
    const t = performance.now();
    p.sync(discard, true);
    cached.push(performance.now() - t);
  }

  // One Service's endpoints change, back and forth: the event plus the partial sync it causes.
  const target = slices[n >> 1]!;
  const changed = slice(`bench/${target.metadata.name}`, target.metadata.labels!['kubernetes.io/service-name']!, [...target.endpoints!.slice(1), ep('10.255.255.1')], target.ports!);
  const partials: number[] = [];
  let partial: SyncResult | undefined;
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    p.onEndpointSlice(sliceKey(target), i % 2 ? target : changed, ++rev);
    partial = p.sync(discard);
    partials.push(performance.now() - t);
  }
  if (full.full !== true || partial!.full !== false) throw new Error('unexpected sync kinds');
  gc();
  return {
    services: n,
    ingestMs: median(ingest),
    fullMs: median(fulls),
    fullMB: full.text.length / 1e6,
    cachedFullMs: median(cached),
    partialMs: median(partials),
    partialKB: partial!.text.length / 1e3,
    rssMB: process.memoryUsage().rss / 2 ** 20,
  };
}

function inChild(n: number): Promise<Row> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [String(n)], { execArgv: ['--expose-gc'] });
    child.once('message', (row) => resolve(row as Row));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`benchmark process for ${n} Services exited with ${code}`)));
  });
}

export default async function (): Promise<void> {
  console.log(`proxy-sim: ${ENDPOINTS_PER_SERVICE} endpoints per Service, medians of ${REPEATS}+ runs, one process per size (Node ${process.version})`);
  const rows: Row[] = [];
  for (const n of SIZES) rows.push(await inChild(n));
  console.table(
    rows.map((r) => ({
      Services: r.services,
      endpoints: r.services * ENDPOINTS_PER_SERVICE,
      'ingest ms': r.ingestMs.toFixed(0),
      'full sync ms': r.fullMs.toFixed(0),
      'full MB': r.fullMB.toFixed(1),
      'µs/Service': ((r.fullMs * 1000) / r.services).toFixed(1),
      'cached full ms': r.cachedFullMs.toFixed(0),
      'partial sync ms': r.partialMs.toFixed(2),
      'partial KB': r.partialKB.toFixed(0),
      'RSS MB': r.rssMB.toFixed(0),
    })),
  );
  const big = rows[rows.length - 1]!;
  console.log(
    `10,000 Services x 10 endpoints: full sync ${big.fullMs.toFixed(0)} ms (goal <= 300), ` +
      `partial sync ${big.partialMs.toFixed(2)} ms (goal <= 5), RSS ${big.rssMB.toFixed(0)} MB (goal <= 300)`,
  );
}

// Forked by inChild: measure one size and report it to the parent.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  measure(Math.min(500, Number(process.argv[2]))); // let the JIT warm up
  process.send(measure(Number(process.argv[2])), () => process.exit(0));
}
