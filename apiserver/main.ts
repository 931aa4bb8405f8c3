#!/usr/bin/env node
import { Command, Option } from 'commander';
import { completeOptions, FLAG_DEFAULTS, type RawFlags } from './options.js';
import { startApiServer } from './server.js';
import { lineLogger } from '../shared/log.js';

const program = new Command('apiserver')
  .description('A mini kube-apiserver for Services: defaults, validates, allocates clusterIPs and stores them in etcd')
  .option('--etcd-servers <urls>', 'comma-separated etcd URLs', FLAG_DEFAULTS.etcdServers)
  .option('--etcd-prefix <prefix>', 'prefix of every key in etcd', FLAG_DEFAULTS.etcdPrefix)
  .option('--service-cluster-ip-range <cidrs>', 'CIDR (or two, one per IP family) from which to assign service cluster IPs', FLAG_DEFAULTS.serviceClusterIpRange)
  .option('--service-node-port-range <range>', 'port range reserved for services with NodePort visibility', FLAG_DEFAULTS.serviceNodePortRange)
  .option('--bind-address <ip>', 'IP address on which to serve', FLAG_DEFAULTS.bindAddress)
  .option('--port <port>', 'port on which to serve plain HTTP (0 picks a free port)', FLAG_DEFAULTS.port)
  .option('--advertise-address <ip>', 'IP address of this apiserver in the kubernetes Service endpoints (default: the bind address, or the host address)')
  .option('--repair-interval <duration>', 'interval of the clusterIP repair loop', FLAG_DEFAULTS.repairInterval)
  .option('--event-ttl <duration>', 'Amount of time to retain events.', FLAG_DEFAULTS.eventTtl)
  .option('--etcd-compaction-interval <duration>', 'The interval of compaction requests. If 0, the compaction request from apiserver is disabled.', FLAG_DEFAULTS.etcdCompactionInterval)
  .addOption(new Option('--ip-leak-grace-period <duration>', 'age before an orphaned IPAddress is cleaned up').default(FLAG_DEFAULTS.ipLeakGracePeriod).hideHelp())
  .showHelpAfterError();

program.parse();

const log = lineLogger();
try {
  const options = completeOptions(program.opts<RawFlags>(), log);
  const server = await startApiServer(options);
  const shutdown = () => {
    log('apiserver: shutting down');
    server.close().finally(() => {
      log.flush();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  log.flush();
  console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
