#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ETCD_PREFIX, normalizePrefix } from '../shared/storage/keys.js';
import { buildProxierConfig } from './render/node-config.js';
import { renderSnapshot } from './render/snapshot.js';
import { parseGoDuration, rewriteBooleanFlags } from '../shared/flags/go-values.js';
import { parseEndpointSlices, parseServices, readInput } from './cli/input.js';
import type { OutputMode } from './cli/live.js';
import { BOOLEAN_FLAGS, addNodeFlags, ipFamilies, nodeSettings, type NodeFlagValues } from './cli/node-flags.js';
import { parseBindAddress, type BindAddress } from './metrics/bind-address.js';

/** kube-proxy's --metrics-bind-address and --healthz-bind-address defaults. */
const METRICS_PORT = 10249;
const HEALTHZ_PORT = 10256;

function bindAddress(defaultPort: number) {
  return (value: string): BindAddress | undefined => {
    try {
      return parseBindAddress(value, defaultPort);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

function duration(flag: string, allowZero: boolean) {
  return (value: string): number => {
    const ms = parseGoDuration(value);
    if (ms === undefined) throw new InvalidArgumentError(`time: invalid duration "${value}"`);
    if (ms < 0 || (!allowZero && ms === 0)) throw new InvalidArgumentError(`${flag} must be ${allowZero ? 'at least 0' : 'greater than 0'}.`);
    return ms;
  };
}

function outputMode(value: string): OutputMode {
  if (value !== 'changes' && value !== 'full' && value !== 'none') throw new InvalidArgumentError('must be changes, full or none.');
  return value;
}

const warn = (line: string) => process.stderr.write(line + '\n');

function program(): Command {
  const root = new Command('proxy-sim')
    .description(
      'Plays kube-proxy (iptables mode, v1.33) on one simulated node: watches Services and EndpointSlices ' +
        'in etcd and prints the iptables-restore input kube-proxy would write, sync by sync.',
    )
    .enablePositionalOptions()
    .showHelpAfterError();

  addNodeFlags(root)
    .option('--etcd-servers <urls>', 'etcd endpoints, comma-separated (required in live mode)')
    .option('--etcd-prefix <prefix>', 'the key prefix the apiserver stores objects under', DEFAULT_ETCD_PREFIX)
    .addOption(new Option('--ip-family <families>', 'IPv4, IPv6, or IPv4,IPv6 for a dual-stack node').default(undefined, "the node IP's family"))
    .addOption(
      new Option('--iptables-min-sync-period <duration>', 'at most one sync per period (after a burst of 2); 0 syncs at once')
        .argParser(duration('--iptables-min-sync-period', true))
        .default(1000, '1s'),
    )
    .addOption(
      new Option('--iptables-sync-period <duration>', 'a full sync runs at least this often, and this long after a failed sync')
        .argParser(duration('--iptables-sync-period', false))
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--output <mode>', "changes: each sync's restore input; full: the whole rule set each time; none")
        .argParser(outputMode)
        .default('changes'),
    )
    .option('--output-file <path>', 'also keep the latest whole rule set in this file (replaced atomically)')
    .addOption(
      new Option('--metrics-bind-address <ip:port>', 'the IP address with port for the metrics server to serve on (set to 0.0.0.0:10249 for all IPv4 interfaces and [::]:10249 for all IPv6 interfaces); empty disables it')
        .argParser(bindAddress(METRICS_PORT))
        .default(parseBindAddress('127.0.0.1', METRICS_PORT), '127.0.0.1:10249'),
    )
    .addOption(
      new Option('--healthz-bind-address <ip:port>', 'the IP address with port for the health check server to serve on (set to 0.0.0.0:10256 for all IPv4 interfaces and [::]:10256 for all IPv6 interfaces); empty disables it')
        .argParser(bindAddress(HEALTHZ_PORT))
        .default(parseBindAddress('0.0.0.0', HEALTHZ_PORT), '0.0.0.0:10256'),
    )
    .option('--netns <name>', 'build a lab node in network namespaces cliplab-<name>-* and apply each sync there (Linux, root)')
    .action(async (o: NodeFlagValues & { etcdServers?: string; etcdPrefix: string; ipFamily?: string; iptablesMinSyncPeriod: number; iptablesSyncPeriod: number; output: OutputMode; outputFile?: string; metricsBindAddress?: BindAddress; healthzBindAddress?: BindAddress; netns?: string }) => {
      if (!o.etcdServers) throw new Error('--etcd-servers is required (or use the render command)');
      const node = nodeSettings(o);
      const families = ipFamilies(o.ipFamily, node.nodeIP, true);
      const lab = o.netns === undefined ? undefined : await (await import('./cli/lab.js')).openLab(o.netns, node, families, warn);
      // Loaded here so that `render` does not pay for the etcd client and gRPC.
      const { startLive } = await import('./cli/live.js');
      const { parseEndpoints } = await import('../shared/etcd/client.js');
      const handle = await startLive(
        {
          node,
          families,
          etcdServers: parseEndpoints(o.etcdServers),
          etcdPrefix: normalizePrefix(o.etcdPrefix),
          minSyncPeriodMs: o.iptablesMinSyncPeriod,
          syncPeriodMs: o.iptablesSyncPeriod,
          output: o.output,
          outputFile: o.outputFile,
          metricsBindAddress: o.metricsBindAddress,
          healthzBindAddress: o.healthzBindAddress,
          kernel: lab,
        },
        { out: (text) => process.stdout.write(text), err: warn },
      ).catch((err: unknown) => {
        lab?.destroy();
        throw err;
      });
      const shutdown = () => {
        void handle.stop().then(() => {
          lab?.destroy();
          process.exit(0);
        });
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });

  addNodeFlags(root.command('render'))
    .description('print the iptables-restore input of one full sync for the given objects')
    .requiredOption('--services <file>', 'Services: a JSON v1 List or array; - for stdin')
    .option('--endpointslices <file>', 'EndpointSlices: a JSON v1 List or array; - for stdin')
    .addOption(new Option('--ip-family <family>', 'IPv4 or IPv6').default(undefined, "the node IP's family"))
    .action((o: NodeFlagValues & { services: string; endpointslices?: string; ipFamily?: string }) => {
      if (o.services === '-' && o.endpointslices === '-') throw new Error('only one of --services and --endpointslices can be -');
      const node = nodeSettings(o);
      const [family] = ipFamilies(o.ipFamily, node.nodeIP, false);
      const services = parseServices(readInput(o.services), o.services, warn);
      const slices = o.endpointslices ? parseEndpointSlices(readInput(o.endpointslices), o.endpointslices, warn) : [];
      process.stdout.write(renderSnapshot(buildProxierConfig(node, family!), services, slices));
    });

  addNodeFlags(root.command('trace'))
    .description('follow one packet (the first of a new connection) through the rules render prints, chain by chain')
    .requiredOption('--services <file>', 'Services: a JSON v1 List or array; - for stdin')
    .option('--endpointslices <file>', 'EndpointSlices: a JSON v1 List or array; - for stdin')
    .requiredOption('--src <ip>', "the packet's source address")
    .requiredOption('--dst <ip>', "the packet's destination address (a cluster IP, a node address, ...)")
    .requiredOption('--dport <port>', "the packet's destination port")
    .option('--protocol <protocol>', 'tcp, udp or sctp', 'tcp')
    .addOption(new Option('-o, --output <format>', 'text, for people; json: {"output", "masq", "path"} as kube-proxy\'s test tracer').choices(['text', 'json']).default('text'))
    .action(async (o: NodeFlagValues & { services: string; endpointslices?: string; src: string; dst: string; dport: string; protocol: string; output: string }) => {
      if (o.services === '-' && o.endpointslices === '-') throw new Error('only one of --services and --endpointslices can be -');
      const { traceCommand, parsePort, parseProtocol } = await import('./cli/trace.js');
      const services = parseServices(readInput(o.services), o.services, warn);
      const slices = o.endpointslices ? parseEndpointSlices(readInput(o.endpointslices), o.endpointslices, warn) : [];
      const packet = { src: o.src, dst: o.dst, dport: parsePort(o.dport), protocol: parseProtocol(o.protocol) };
      process.stdout.write(traceCommand(nodeSettings(o), services, slices, packet, o.output === 'json'));
    });
  return root;
}

async function main(): Promise<void> {
  const cmd = program();
  try {
    await cmd.parseAsync(rewriteBooleanFlags(process.argv.slice(2), BOOLEAN_FLAGS), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    warn(`proxy-sim: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

await main();
