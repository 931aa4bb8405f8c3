import { expect } from 'chai';
import { create, startTestApiServer } from '../../apiserver/testing/server.js';
import { descriptionBlock, SEED_CLUSTER_IP_DESCRIPTION, words } from './explain-text.js';
import { findKubectl, Kubectl, requireKubectl } from './run.js';

describe('e2e: kubectl describe and explain (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer();
    kubectl = await Kubectl.forServer(binary, server.url);
    const post = (path: string, body: unknown) => create(server.url, path, body);
    await post('/api/v1/namespaces/default/services', {
      metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, annotations: { note: 'hello' } },
      spec: { type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] },
    });
    await post('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      metadata: { name: 'web-abcde', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.0.0.5'], conditions: { ready: true } },
        { addresses: ['10.0.0.6'], conditions: { ready: true } },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    await post('/api/v1/namespaces/default/services', { metadata: { name: 'hl' }, spec: { clusterIP: 'None', selector: { app: 'db' } } });
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('describe svc prints the Service with its EndpointSlice endpoints', async () => {
    expect(await kubectl.ok(['describe', 'svc', 'web'])).to.equal(
      [
        'Name:                     web',
        'Namespace:                default',
        'Labels:                   app=web',
        '                          tier=fe',
        'Annotations:              note: hello',
        'Selector:                 app=web',
        'Type:                     NodePort',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.0.10',
        'IPs:                      10.96.0.10',
        'Port:                     http  80/TCP',
        'TargetPort:               8080/TCP',
        'NodePort:                 http  30080/TCP',
        'Endpoints:                10.0.0.5:8080,10.0.0.6:8080',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });

  it('describe svc of a headless Service without ports', async () => {
    expect(await kubectl.ok(['describe', 'svc', 'hl'])).to.equal(
      [
        'Name:                     hl',
        'Namespace:                default',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app=db',
        'Type:                     ClusterIP',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       None',
        'IPs:                      None',
        'Session Affinity:         None',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });

  it('describe of a missing Service is NotFound', async () => {
    const res = await kubectl.run(['describe', 'svc', 'nope']);
    expect(res).to.deep.include({ code: 1, stderr: 'Error from server (NotFound): services "nope" not found\n' });
  });

  it('explain service.spec.clusterIP prints the upstream field documentation the seed shows', async () => {
    const res = await kubectl.run(['explain', 'service.spec.clusterIP']);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout.startsWith('KIND:       Service\nVERSION:    v1\n\nFIELD: clusterIP <string>\n\n\nDESCRIPTION:\n')).to.equal(true, res.stdout);
    const description = descriptionBlock(res.stdout);
    expect(words(description)).to.equal(words(SEED_CLUSTER_IP_DESCRIPTION));
    // kubectl 1.33 wraps at 76 columns and indents by 4; the text keeps upstream's double spaces.
    const lines = description.split('\n');
    expect(lines[0]).to.equal('    clusterIP is the IP address of the service and is usually assigned randomly.');
    expect(lines).to.include('    describe above).  Valid values are "None", empty string (""), or a valid IP');
    expect(lines[lines.length - 1]).to.equal('    https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies');
  });

  it('explain --output=plaintext-openapiv2 renders OpenAPI v2 (protobuf) exactly as the seed shows', async () => {
    const out = await kubectl.ok(['explain', 'service.spec.clusterIP', '--output=plaintext-openapiv2']);
    expect(out).to.equal(`KIND:     Service\nVERSION:  v1\n\nFIELD:    clusterIP <string>\n\nDESCRIPTION:${SEED_CLUSTER_IP_DESCRIPTION}`);
  });

  it('explain svc lists the fields of the Service', async () => {
    const out = await kubectl.ok(['explain', 'svc']);
    expect(out.startsWith('KIND:       Service\nVERSION:    v1\n\nDESCRIPTION:\n    Service is a named abstraction of software service (for example, mysql)\n')).to.equal(true, out);
    const fields = out.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(fields).to.deep.equal(['  apiVersion\t<string>', '  kind\t<string>', '  metadata\t<ObjectMeta>', '  spec\t<ServiceSpec>', '  status\t<ServiceStatus>']);
  });

  it('explain shows enums, list item types, IntOrString and required fields', async () => {
    const type = await kubectl.ok(['explain', 'svc.spec.type']);
    expect(type.startsWith('KIND:       Service\nVERSION:    v1\n\nFIELD: type <string>\nENUM:\n    ClusterIP\n    ExternalName\n    LoadBalancer\n    NodePort\n\nDESCRIPTION:\n')).to.equal(true, type);
    expect(type).to.include('    Possible enum values:\n     - `"ClusterIP"` means a service will only be accessible inside the cluster,\n');

    const ports = await kubectl.ok(['explain', 'svc.spec.ports']);
    expect(ports).to.include('FIELD: ports <[]ServicePort>\n');
    expect(ports).to.include('\n  port\t<integer> -required-\n    The port that will be exposed by this service.\n');
    expect(ports).to.include('\n  protocol\t<string>\n  enum: SCTP, TCP, UDP\n');
    expect(ports).to.include('\n  targetPort\t<IntOrString>\n');

    const target = await kubectl.ok(['explain', 'service.spec.ports.targetPort']);
    expect(target).to.include('FIELD: targetPort <IntOrString>\n');

    const ipFamilyPolicy = await kubectl.ok(['explain', 'svc.spec.ipFamilyPolicy']);
    expect(ipFamilyPolicy).to.include('FIELD: ipFamilyPolicy <string>\nENUM:\n    PreferDualStack\n    RequireDualStack\n    SingleStack\n');
  });

  it('explain covers Namespaces, Endpoints and EndpointSlices (with their group)', async () => {
    expect(await kubectl.ok(['explain', 'ns.status.phase'])).to.match(/^KIND: {7}Namespace\nVERSION: {4}v1\n\nFIELD: phase <string>\nENUM:\n {4}Active\n {4}Terminating\n\nDESCRIPTION:\n {4}Phase is the current lifecycle phase of the namespace\./);
    expect(await kubectl.ok(['explain', 'endpoints.subsets.addresses.ip'])).to.match(/^KIND: {7}Endpoints\nVERSION: {4}v1\n\nFIELD: ip <string>\n\n\nDESCRIPTION:\n {4}The IP of this endpoint\./);
    expect(await kubectl.ok(['explain', 'endpointslice.endpoints'])).to.match(/^GROUP: {6}discovery\.k8s\.io\nKIND: {7}EndpointSlice\nVERSION: {4}v1\n\nFIELD: endpoints <\[\]Endpoint>\n/);
  });

  it('explain of a field that does not exist fails as upstream\'s does', async () => {
    const res = await kubectl.run(['explain', 'svc.spec.bogus']);
    expect(res.code).to.equal(1);
    expect(res.stderr).to.equal('error: field "bogus" does not exist\n');
  });

  it('explain --recursive walks the whole schema', async () => {
    const out = await kubectl.ok(['explain', 'svc.spec', '--recursive']);
    expect(out).to.include(
      '\n  ports\t<[]ServicePort>\n    appProtocol\t<string>\n    name\t<string>\n    nodePort\t<integer>\n    port\t<integer> -required-\n    protocol\t<string>\n    enum: SCTP, TCP, UDP\n    targetPort\t<IntOrString>\n',
    );
    expect(out).to.include('\n  sessionAffinityConfig\t<SessionAffinityConfig>\n    clientIP\t<ClientIPConfig>\n      timeoutSeconds\t<integer>\n');
  });
});
