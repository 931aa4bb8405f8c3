import type { Etcd3 } from 'etcd3';
import type { Command, DemoClient, Outcome } from './client.js';
import { formatIP, parseCIDR } from '../shared/net/ip.js';
import { ServiceCIDR } from '../apiserver/allocator/service-cidr.js';
import { describeKeys, serviceKeys } from './etcd-view.js';
import type { Narrator } from './narrator.js';
import type { RulesView, Want } from './rules.js';
import { curlStep, waitForAnswers, type DemoLab } from './lab-step.js';

export interface WalkthroughContext {
  client: DemoClient;
  narrator: Narrator;
  etcd: Etcd3;
  root: string;
  rules: RulesView;
  server: string;
  /** The apiserver's own teaching log, when it runs in this process. */
  apiserverLog?: string[];
  /** How long to wait for proxy-sim. */
  rulesTimeoutMs: number;
  /** True when the rules are proxy-sim's sync output (with -X lines), not its whole rule set. */
  rulesAreSyncs: boolean;
  /** The lab node proxy-sim programs, for step 5 (real packets); absent: step 5 says why not. */
  lab?: DemoLab;
}

const NS = 'default';
/** The clusterIP of web, for step 5 after its deletion. */
let webIP: string | undefined;

/** What `kubectl create service clusterip NAME --tcp=80:8080 [--clusterip=IP]` sends. */
function createClusterIP(name: string, clusterIP?: string): Command {
  const args = ['create', 'service', 'clusterip', name, ...(clusterIP === 'None' ? [] : ['--tcp=80:8080']), ...(clusterIP ? [`--clusterip=${clusterIP}`] : [])];
  const spec: Record<string, unknown> = { selector: { app: name }, type: 'ClusterIP' };
  if (clusterIP !== 'None') spec.ports = [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }];
  if (clusterIP) spec.clusterIP = clusterIP;
  return { args, http: { method: 'POST', path: `/api/v1/namespaces/${NS}/services`, body: { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } }, spec }, success: `service/${name} created` } };
}

/** `kubectl apply -f -` of a new object; `kind` as kubectl prints it (`service`, `endpointslice.discovery.k8s.io`). */
function applyManifest(kind: string, plural: string, obj: { metadata: { name: string } }, yaml: string, api = '/api/v1'): Command {
  return { args: ['apply', '-f', '-'], stdin: yaml, http: { method: 'POST', path: `${api}/namespaces/${NS}/${plural}`, body: obj, success: `${kind}/${obj.metadata.name} created` } };
}

const NETWORKING = '/apis/networking.k8s.io/v1';

/** `kubectl get ipaddresses` (or `servicecidrs`), with a plain rendering when kubectl is absent. */
function getAllocation(resource: 'ipaddresses' | 'servicecidrs', name?: string): Command {
  const column = (o: AllocationObject) =>
    resource === 'servicecidrs' ? (o.spec?.cidrs ?? []).join(',') : `${o.spec?.parentRef?.resource ?? ''}/${o.spec?.parentRef?.namespace ?? ''}/${o.spec?.parentRef?.name ?? ''}`;
  const render = (body: unknown) => {
    const items = name ? [body as AllocationObject] : ((body as { items?: AllocationObject[] }).items ?? []);
    return [`NAME\t${resource === 'servicecidrs' ? 'CIDRS' : 'PARENTREF'}`, ...items.map((o) => `${o.metadata.name}\t${column(o)}`)].join('\n');
  };
  return { args: ['get', resource, ...(name ? [name] : [])], http: { method: 'GET', path: `${NETWORKING}/${resource}${name ? `/${name}` : ''}`, success: '', render } };
}

interface AllocationObject {
  metadata: { name: string };
  spec?: { cidrs?: string[]; parentRef?: { resource?: string; namespace?: string; name?: string } };
}

/** Shows a read-only kubectl command and its answer. */
async function show(ctx: WalkthroughContext, command: Command): Promise<Outcome> {
  ctx.narrator.command(`kubectl ${command.args.join(' ')}`);
  const outcome = await ctx.client.run(command);
  ctx.narrator.block(outcome.stdout + outcome.stderr);
  return outcome;
}

/** The keys under one etcd prefix with their revisions, `only` of them if given. */
async function keysUnder(ctx: WalkthroughContext, resource: 'servicecidrs' | 'ipaddresses', only?: readonly string[]): Promise<string> {
  const prefix = `${ctx.root}/${resource}/`;
  const res = await ctx.etcd.getAll().prefix(prefix).exec();
  const kvs = res.kvs.map((kv) => ({ key: kv.key.toString(), modRevision: Number(kv.mod_revision) })).filter((k) => !only || only.some((n) => k.key === prefix + n));
  return describeKeys(kvs);
}

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the walkthrough creates, deleted before it starts so that a rerun on the same cluster begins afresh. */
const WALKTHROUGH_OBJECTS = [
  ...['web', 'legacy', 'static', 'taken', 'headless', 'ext', 'dual', 'late'].map((name) => `/api/v1/namespaces/${NS}/services/${name}`),
  `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices/web-1`,
  `/api/v1/namespaces/${NS}/endpoints/legacy`,
  // After the Services: a ServiceCIDR still in use would only turn Terminating.
  `/apis/networking.k8s.io/v1/servicecidrs/extra`,
];

const succeeded = (o: Outcome, printed: string) => o.code === 0 && o.stdout.trim() === printed;

async function step1(ctx: WalkthroughContext, command: Command, title: string): Promise<{ outcome: Outcome; logFrom: number; rulesFrom: number }> {
  ctx.narrator.step(1, title);
  ctx.narrator.command(`kubectl ${command.args.join(' ')}`);
  if (command.stdin) ctx.narrator.block(command.stdin);
  const logFrom = ctx.apiserverLog?.length ?? 0;
  const rulesFrom = ctx.rules.mark();
  const outcome = await ctx.client.run(command);
  ctx.narrator.block(outcome.stdout + outcome.stderr);
  return { outcome, logFrom, rulesFrom };
}

async function getService(ctx: WalkthroughContext, name: string): Promise<{ spec: { clusterIPs?: string[]; ipFamilies?: string[]; type?: string } } | undefined> {
  const res = await fetch(`${ctx.server}/api/v1/namespaces/${NS}/services/${name}`);
  return res.ok ? ((await res.json()) as never) : undefined;
}

/** Step 2: the apiserver's own log lines, or, when it runs elsewhere, what it stored. */
async function step2(ctx: WalkthroughContext, name: string, logFrom: number): Promise<string[]> {
  ctx.narrator.step(2, 'the apiserver decides');
  const svc = await getService(ctx, name);
  const ips = svc?.spec.clusterIPs ?? [];
  if (ctx.apiserverLog) {
    const lines = ctx.apiserverLog.slice(logFrom).filter((l) => /^step [23]\/4 /.test(l) && l.includes(`${NS}/${name}`) || l.startsWith('step 3/4 persist: one etcd transaction'));
    ctx.narrator.block(lines.join('\n') || '(nothing logged)');
  } else {
    ctx.narrator.block(svc ? `clusterIPs ${JSON.stringify(ips)}, ipFamilies ${JSON.stringify(svc.spec.ipFamilies ?? [])}` : 'no Service stored');
  }
  return ips;
}

/** Step 3: the keys in etcd and their revisions; one transaction writes them at one revision. */
async function step3(ctx: WalkthroughContext, name: string, ips: readonly string[]): Promise<void> {
  ctx.narrator.step(3, 'what etcd now holds');
  const keys = await serviceKeys(ctx.etcd, ctx.root, NS, name, ips);
  ctx.narrator.block(describeKeys(keys));
  const wanted = 1 + ips.filter((ip) => ip !== 'None').length;
  ctx.narrator.check(keys.length === wanted, `the Service and its ${wanted - 1} IPAddress key(s) are stored`);
  if (keys.length > 1) ctx.narrator.check(new Set(keys.map((k) => k.modRevision)).size === 1, 'they share one mod revision: one transaction wrote them');
}

/** Step 4: what proxy-sim printed about the Service. */
async function step4(ctx: WalkthroughContext, name: string, rulesFrom: number, want: Want, what: string): Promise<string> {
  ctx.narrator.step(4, 'proxy-sim writes the rules');
  const ref = `${NS}/${name}`;
  const { met, text } = await ctx.narrator.waiting('proxy-sim', ctx.rules.waitFor(ref, rulesFrom, want, ctx.rulesTimeoutMs));
  ctx.narrator.block(text || '(no rules)');
  ctx.narrator.check(met, what);
  return text;
}

/** One scenario of the walkthrough; the demo narrates them in order and the e2e tests assert them. */
interface Scenario {
  title: string;
  run(ctx: WalkthroughContext): Promise<void>;
}

/** In order: later scenarios use what earlier ones created (the taken IP, the deleted Service). */
export const SCENARIOS: readonly Scenario[] = [
  {
    title: 'a plain ClusterIP Service, then its endpoints',
    async run(ctx) {
      const n = ctx.narrator;
      const { outcome, logFrom, rulesFrom } = await step1(ctx, createClusterIP('web'), 'kubectl creates the Service');
      n.check(succeeded(outcome, 'service/web created'), 'kubectl printed: service/web created');
      const ips = await step2(ctx, 'web', logFrom);
      n.check(ips.length === 1, `one clusterIP was allocated: ${ips[0] ?? 'none'}`);
      await step3(ctx, 'web', ips);
      n.note('Each clusterIP is a networking.k8s.io/v1 IPAddress object, named by the IP, whose parentRef is the Service:');
      const listed = await show(ctx, getAllocation('ipaddresses'));
      n.check(listed.code === 0 && listed.stdout.split('\n').some((l) => l.startsWith(ips[0] ?? '?') && l.includes('services/default/web')), `kubectl get ipaddresses lists ${ips[0] ?? 'the IP'} for services/default/web`);
      const rules = await step4(ctx, 'web', rulesFrom, { present: true, contains: [`-d ${ips[0]}`] }, 'proxy-sim wrote rules for web');
      n.check(rules.includes('has no endpoints') && rules.includes('REJECT'), 'without endpoints, traffic to the clusterIP is rejected');
      if (ctx.lab?.node) {
        const refused = await curlStep(n, ctx.lab, 'a client pod curls the clusterIP before there are endpoints', ips[0]!, 80, 1);
        if (refused) n.check(refused.every((a) => !/ from /.test(a)), `refused at once by the REJECT rule: ${refused[0]}`);
      }
      // An EndpointSlice labelled with the Service's name: what works for any Service, on a real
      // cluster too (Endpoints are mirrored only for Services without a selector: next scenario).
      const slice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.244.1.5'], nodeName: 'node-1', conditions: { ready: true } },
          { addresses: ['10.244.2.7'], nodeName: 'node-2', conditions: { ready: true } },
        ],
        ports: [{ name: '80-8080', port: 8080, protocol: 'TCP' }],
      };
      const yaml = [
        'apiVersion: discovery.k8s.io/v1',
        'kind: EndpointSlice',
        'metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}',
        'addressType: IPv4',
        'endpoints:',
        '- {addresses: [10.244.1.5], nodeName: node-1, conditions: {ready: true}}',
        '- {addresses: [10.244.2.7], nodeName: node-2, conditions: {ready: true}}',
        'ports: [{name: 80-8080, port: 8080, protocol: TCP}]',
        '',
      ].join('\n');
      const ep = await step1(ctx, applyManifest('endpointslice.discovery.k8s.io', 'endpointslices', slice, yaml, '/apis/discovery.k8s.io/v1'), 'kubectl adds an EndpointSlice with two endpoints for web');
      n.check(succeeded(ep.outcome, 'endpointslice.discovery.k8s.io/web-1 created'), 'kubectl printed: endpointslice.discovery.k8s.io/web-1 created');
      const withEndpoints = await step4(ctx, 'web', ep.rulesFrom, { present: true, contains: ['DNAT --to-destination 10.244.1.5:8080'] }, 'proxy-sim rewrote the rules for web');
      n.check(withEndpoints.includes('DNAT --to-destination 10.244.1.5:8080') && withEndpoints.includes('--probability 0.5000000000'), 'each endpoint gets a KUBE-SEP chain, picked with probability 1/2');
      if (ctx.lab) {
        webIP = ips[0];
        await waitForAnswers(ctx.lab, ips[0]!, 80, ['10.244.1.5:8080', '10.244.2.7:8080']);
        const answers = await curlStep(n, ctx.lab, 'a client pod curls the clusterIP: the kernel picks an endpoint per connection', ips[0]!, 80, 6);
        if (answers) n.check(answers.every((a) => /^10\.244\.(1\.5|2\.7):8080 from /.test(a)), 'every request was answered by one of the two endpoints');
      }
    
    },
  },
  {
    title: 'a Service without a selector, and Endpoints the apiserver mirrors',
    async run(ctx) {
      const n = ctx.narrator;
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
      const svcYaml = ['apiVersion: v1', 'kind: Service', 'metadata: {name: legacy}', 'spec:', '  ports: [{name: http, port: 80, targetPort: 8080}]', ''].join('\n');
      const created = await step1(ctx, applyManifest('service', 'services', svc, svcYaml), 'kubectl applies a Service without a selector');
      n.check(succeeded(created.outcome, 'service/legacy created'), 'kubectl printed: service/legacy created');
      const endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'legacy' },
        subsets: [{ addresses: [{ ip: '10.244.3.4', nodeName: 'node-1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
      };
      const yaml = ['apiVersion: v1', 'kind: Endpoints', 'metadata: {name: legacy}', 'subsets:', '- addresses: [{ip: 10.244.3.4, nodeName: node-1}]', '  ports: [{name: http, port: 8080, protocol: TCP}]', ''].join('\n');
      const ep = await step1(ctx, applyManifest('endpoints', 'endpoints', endpoints, yaml), 'kubectl adds Endpoints (the apiserver mirrors them, as the mirroring controller does for selectorless Services)');
      n.check(succeeded(ep.outcome, 'endpoints/legacy created'), 'kubectl printed: endpoints/legacy created');
      n.step(3, 'the mirrored EndpointSlice');
      const res = await fetch(`${ctx.server}/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${encodeURIComponent('kubernetes.io/service-name=legacy')}`);
      const mirrors = ((await res.json()) as { items?: { metadata: { name: string; labels?: Record<string, string> } }[] }).items ?? [];
      n.block(mirrors.map((m) => `${m.metadata.name}  managed-by ${m.metadata.labels?.['endpointslice.kubernetes.io/managed-by']}`).join('\n') || '(none)');
      n.check(
        mirrors.length === 1 && /^legacy-[a-z0-9]{5}$/.test(mirrors[0]!.metadata.name) && mirrors[0]!.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io',
        'one mirrored slice, named legacy-<5 random characters>, managed by endpointslicemirroring-controller.k8s.io',
      );
      const rules = await step4(ctx, 'legacy', ep.rulesFrom, { present: true, contains: ['DNAT --to-destination 10.244.3.4:8080'] }, 'proxy-sim wrote the rules for legacy from the mirror');
      n.check(rules.includes('DNAT --to-destination 10.244.3.4:8080'), 'the endpoint gets a KUBE-SEP chain');
    },
  },
  {
    title: 'a requested static IP',
    async run(ctx) {
      const n = ctx.narrator;
      const { outcome, logFrom, rulesFrom } = await step1(ctx, createClusterIP('static', '10.96.0.50'), 'kubectl asks for 10.96.0.50');
      n.check(succeeded(outcome, 'service/static created'), 'kubectl printed: service/static created');
      const ips = await step2(ctx, 'static', logFrom);
      n.check(ips[0] === '10.96.0.50', 'the apiserver honoured the request');
      await step3(ctx, 'static', ips);
      const rules = await step4(ctx, 'static', rulesFrom, { present: true, contains: ['-d 10.96.0.50'] }, 'proxy-sim wrote rules for static');
      n.check(rules.includes('-d 10.96.0.50'), 'the rules match 10.96.0.50');
    
    },
  },
  {
    title: 'a request for an IP that is taken',
    async run(ctx) {
      const n = ctx.narrator;
      const { outcome } = await step1(ctx, createClusterIP('taken', '10.96.0.50'), 'kubectl asks for 10.96.0.50 again');
      n.check(outcome.code !== 0 && outcome.stderr.includes('provided IP is already allocated'), "kubectl fails with upstream's error");
      n.step(2, 'the apiserver refuses');
      n.note('422 Invalid: the IPAddress key 10.96.0.50 already exists, so the create-if-absent transaction would fail; nothing was written.');
      const keys = await serviceKeys(ctx.etcd, ctx.root, NS, 'taken', []);
      n.step(3, 'what etcd now holds');
      n.block(describeKeys(keys));
      n.check(keys.length === 0, 'no Service named taken was stored');
    
    },
  },
  {
    title: 'a headless Service',
    async run(ctx) {
      const n = ctx.narrator;
      const { outcome, logFrom, rulesFrom } = await step1(ctx, createClusterIP('headless', 'None'), 'kubectl creates a Service with clusterIP None');
      n.check(succeeded(outcome, 'service/headless created'), 'kubectl printed: service/headless created');
      const ips = await step2(ctx, 'headless', logFrom);
      n.check(ips[0] === 'None', 'no IP was allocated');
      await step3(ctx, 'headless', []);
      await step4(ctx, 'headless', rulesFrom, { present: false }, 'proxy-sim skips headless Services: no rules');
    
    },
  },
  {
    title: 'an ExternalName Service',
    async run(ctx) {
      const n = ctx.narrator;
      const command: Command = {
        args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'],
        http: { method: 'POST', path: `/api/v1/namespaces/${NS}/services`, body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', labels: { app: 'ext' } }, spec: { type: 'ExternalName', externalName: 'example.com', selector: { app: 'ext' } } }, success: 'service/ext created' },
      };
      const { outcome, logFrom, rulesFrom } = await step1(ctx, command, 'kubectl creates an ExternalName Service');
      n.check(succeeded(outcome, 'service/ext created'), 'kubectl printed: service/ext created');
      const ips = await step2(ctx, 'ext', logFrom);
      n.check(ips.length === 0, 'ExternalName Services get no clusterIP');
      await step3(ctx, 'ext', []);
      await step4(ctx, 'ext', rulesFrom, { present: false }, 'proxy-sim skips ExternalName Services: no rules');
    
    },
  },
  {
    title: 'a dual-stack Service',
    async run(ctx) {
      const n = ctx.narrator;
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dual' }, spec: { ipFamilyPolicy: 'RequireDualStack', selector: { app: 'dual' }, ports: [{ port: 80, targetPort: 8080 }] } };
      const yaml = ['apiVersion: v1', 'kind: Service', 'metadata: {name: dual}', 'spec:', '  ipFamilyPolicy: RequireDualStack', '  selector: {app: dual}', '  ports: [{port: 80, targetPort: 8080}]', ''].join('\n');
      const { outcome, logFrom, rulesFrom } = await step1(ctx, applyManifest('service', 'services', svc, yaml), 'kubectl applies a RequireDualStack Service');
      n.check(succeeded(outcome, 'service/dual created'), 'kubectl printed: service/dual created');
      const ips = await step2(ctx, 'dual', logFrom);
      n.check(ips.length === 2 && ips[1]!.includes(':'), 'one IPv4 and one IPv6 clusterIP');
      await step3(ctx, 'dual', ips);
      const rules = await step4(ctx, 'dual', rulesFrom, { present: true, contains: ips.map((ip) => `-d ${ip}`) }, 'proxy-sim wrote rules for dual');
      n.check(ips.every((ip) => rules.includes(`-d ${ip}`)), 'both families have rules (one proxier each)');
    
    },
  },
  {
    title: 'a deletion',
    async run(ctx) {
      const n = ctx.narrator;
      const command: Command = { args: ['delete', 'service', 'web'], http: { method: 'DELETE', path: `/api/v1/namespaces/${NS}/services/web`, success: 'service "web" deleted' } };
      const { outcome, logFrom, rulesFrom } = await step1(ctx, command, 'kubectl deletes web');
      n.check(succeeded(outcome, 'service "web" deleted'), 'kubectl printed: service "web" deleted');
      n.step(2, 'the apiserver releases');
      if (ctx.apiserverLog) n.block(ctx.apiserverLog.slice(logFrom).filter((l) => l.includes('deleted in one etcd transaction')).join('\n'));
      const keys = await serviceKeys(ctx.etcd, ctx.root, NS, 'web', []);
      n.step(3, 'what etcd now holds');
      n.block(describeKeys(keys));
      n.check(keys.length === 0, 'the Service and its IPAddress are gone');
      const rules = await step4(ctx, 'web', rulesFrom, { present: false }, 'proxy-sim removed the rules for web');
      if (ctx.rulesAreSyncs) n.check(rules.includes('-X KUBE-SVC-'), 'its chains are deleted with -X');
      if (ctx.lab?.node && webIP) {
        const answers = await curlStep(n, ctx.lab, 'the client pod curls the old clusterIP again', webIP, 80, 1);
        // No rule is left for the address: the node routes it away, and nothing answers.
        if (answers) n.check(answers.every((a) => !/ from /.test(a)), `no endpoint answers any more: ${answers[0]}`);
      }
      // A hand-written slice has no owner here, so it outlives the Service, as on a cluster.
      const slice: Command = {
        args: ['delete', 'endpointslice', 'web-1'],
        http: { method: 'DELETE', path: `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices/web-1`, success: 'endpointslice.discovery.k8s.io "web-1" deleted' },
      };
      const gone = await step1(ctx, slice, 'kubectl deletes the EndpointSlice written for web: it is not the Service\'s to take along');
      n.check(succeeded(gone.outcome, 'endpointslice.discovery.k8s.io "web-1" deleted'), 'kubectl printed: endpointslice.discovery.k8s.io "web-1" deleted');
    },
  },
  {
    title: 'a full range, extended at run time by a second ServiceCIDR',
    async run(ctx) {
      const n = ctx.narrator;
      await show(ctx, getAllocation('servicecidrs'));
      const primary = (await (await fetch(`${ctx.server}${NETWORKING}/servicecidrs/kubernetes`)).json()) as AllocationObject;
      const cidr = parseCIDR(primary.spec?.cidrs?.find((c) => !c.includes(':')) ?? '');
      const range = cidr && new ServiceCIDR(cidr);
      if (!range || range.size > 1024n) {
        n.note(`the primary IPv4 range ${range?.text ?? '(none)'} is too large to fill here; run the demo with a small --service-cluster-ip-range (npm run demo uses 10.96.0.0/24) to see it fill`);
        return;
      }
      n.step(1, `fill what is left of ${range.text} with IPAddress objects made by hand (each reserves its IP, as on a cluster)`);
      const fillers: string[] = [];
      const free: string[] = [];
      for (let slot = 0n; slot < range.size; slot++) free.push(formatIP(range.ipAt(slot)));
      for (let i = 0; i < free.length; i += 16) {
        await Promise.all(
          free.slice(i, i + 16).map(async (ip) => {
            const body = { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: ip }, spec: { parentRef: { group: '', resource: 'services', namespace: NS, name: 'reserved-by-hand' } } };
            const res = await fetch(`${ctx.server}${NETWORKING}/ipaddresses`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
            if (res.status === 201) fillers.push(ip);
          }),
        );
      }
      n.note(`${fillers.length} IPAddress objects created through the API; the other ${free.length - fillers.length} IPs were already allocated`);
      const full = await step1(ctx, createClusterIP('late'), 'kubectl creates a Service: every IP of the range is taken');
      n.check(full.outcome.code !== 0 && full.outcome.stderr.includes('failed to allocate a serviceIP: range is full'), "kubectl fails with upstream's error: range is full");

      const manifest = ['apiVersion: networking.k8s.io/v1', 'kind: ServiceCIDR', 'metadata: {name: extra}', 'spec:', '  cidrs: [10.97.0.0/28]', ''].join('\n');
      const extra = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.97.0.0/28'] } };
      const added = await step1(ctx, { args: ['create', '-f', '-'], stdin: manifest, http: { method: 'POST', path: `${NETWORKING}/servicecidrs`, body: extra, success: 'servicecidr.networking.k8s.io/extra created' } }, 'kubectl adds a ServiceCIDR: no restart, no flag');
      n.check(succeeded(added.outcome, 'servicecidr.networking.k8s.io/extra created'), 'kubectl printed: servicecidr.networking.k8s.io/extra created');

      // Every replica's allocator learns of it from its watch; a moment may pass.
      let created = await step1(ctx, createClusterIP('late'), 'kubectl creates the Service again');
      for (let i = 0; i < 20 && !succeeded(created.outcome, 'service/late created'); i++) {
        await waitMs(250);
        created = await step1(ctx, createClusterIP('late'), 'kubectl tries again (the ServiceCIDR was not seen yet)');
      }
      n.check(succeeded(created.outcome, 'service/late created'), 'kubectl printed: service/late created');
      const ips = await step2(ctx, 'late', created.logFrom);
      n.check(ips[0]?.startsWith('10.97.0.') ?? false, `the clusterIP ${ips[0] ?? 'none'} came from the new ServiceCIDR 10.97.0.0/28`);
      await step3(ctx, 'late', ips);
      n.block(await keysUnder(ctx, 'servicecidrs'));
      await show(ctx, getAllocation('servicecidrs'));
      await show(ctx, getAllocation('ipaddresses', ips[0]));
      const rules = await step4(ctx, 'late', created.rulesFrom, { present: true, contains: [`-d ${ips[0]}`] }, 'proxy-sim wrote rules for late');
      n.check(rules.includes(`-d ${ips[0]}`), `the rules match ${ips[0]}`);

      n.note(`The hand-made IPAddress objects are deleted again, which frees their IPs: ${fillers[0] ?? 'the first'}'s key is gone.`);
      await Promise.all(fillers.map((ip) => fetch(`${ctx.server}${NETWORKING}/ipaddresses/${ip}`, { method: 'DELETE' })));
      n.block(await keysUnder(ctx, 'ipaddresses', fillers.slice(0, 1)));
    },
  },
];

/** Deletes what an earlier run left on this cluster, saying what it found; absent objects are fine. */
async function startAfresh(ctx: WalkthroughContext): Promise<void> {
  const removed: string[] = [];
  for (const path of WALKTHROUGH_OBJECTS) {
    const res = await fetch(ctx.server + path, { method: 'DELETE' });
    if (res.ok) removed.push(path.split('/').slice(-2).join('/'));
    else if (res.status !== 404) throw new Error(`DELETE ${path}: ${res.status} ${await res.text()}`);
  }
  if (removed.length) ctx.narrator.note(`an earlier run left ${removed.join(', ')} on this cluster: deleted, to start afresh`);
}

export async function walkthrough(ctx: WalkthroughContext): Promise<void> {
  await startAfresh(ctx);
  for (const [i, scenario] of SCENARIOS.entries()) {
    ctx.narrator.scenario(i + 1, scenario.title);
    await scenario.run(ctx);
  }
}
