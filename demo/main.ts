import { provideEtcd } from '../shared/etcd/provider.js';
import { PortRange } from '../apiserver/allocator/node-ports.js';
import { parseServiceClusterIPRange } from '../apiserver/allocator/service-cidr.js';
import { startApiServer } from '../apiserver/server.js';

/** `npm run demo`: a real etcd and the apiserver, and how to talk to them. */
const etcd = await provideEtcd({ log: (line) => console.log(`etcd: ${line}`) });
const apiserver = await startApiServer({
  etcdServers: etcd.endpoints,
  etcdPrefix: '/registry',
  serviceCIDRs: parseServiceClusterIPRange('10.96.0.0/12'),
  nodePortRange: PortRange.parse('30000-32767'),
  bindAddress: '127.0.0.1',
  port: Number(process.env.APISERVER_PORT ?? 8080),
  advertiseAddress: '127.0.0.1',
  repairIntervalMs: 180_000,
  ipLeakGraceMs: 60_000,
  log: (line) => console.log(line),
});

const url = apiserver.url;
console.log(`
The apiserver is up at ${url}, on ${etcd.description}. Try:

  curl -s -X POST ${url}/api/v1/namespaces/default/services \\
    -H 'Content-Type: application/json' \\
    -d '{"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}'

  curl -s ${url}/api/v1/namespaces/default/services/web
  curl -s ${url}/api/v1/services
  curl -s -X DELETE ${url}/api/v1/namespaces/default/services/web

Press Ctrl-C to stop.`);

const stop = async () => {
  await apiserver.close();
  await etcd.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
