import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { Service } from '../../shared/api/core.js';
import {
  clusterIPService,
  dualStackService,
  externalNameService,
  headlessService,
  loadBalancerService,
  nodePortService,
} from '../testing/service-fixtures.js';
import { validateService, validateServiceClusterIPsRelatedFields, validateServiceUpdate } from './validation.js';

const LABEL_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME_PART =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const BAD_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const BAD_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

type Row = [title: string, make: () => Service, mutate: (s: Service) => void, want: string[]];

function runTable(rows: Row[], validate: (svc: Service) => string[]): void {
  for (const [title, make, mutate, want] of rows) {
    it(title, () => {
      const svc = make();
      mutate(svc);
      expect(validate(svc)).to.deep.equal(want);
    });
  }
}

const ports = (...specs: [name: string, port: number, protocol?: string, nodePort?: number][]) =>
  specs.map(([name, port, protocol = 'TCP', nodePort]) => ({ name, port, protocol, targetPort: 8080, ...(nodePort ? { nodePort } : {}) }));

describe('ValidateService (create), in upstream order', () => {
  const rows: Row[] = [
    ['valid ClusterIP', clusterIPService, () => {}, []],
    ['valid NodePort', nodePortService, () => {}, []],
    ['valid LoadBalancer', loadBalancerService, () => {}, []],
    ['valid ExternalName with a trailing dot', externalNameService, (s) => (s.spec.externalName = 'db.example.com.'), []],
    ['valid headless without ports', headlessService, (s) => delete s.spec.ports, []],
    ['name required', clusterIPService, (s) => delete s.metadata.name, ['metadata.name: Required value: name or generateName is required']],
    ['name is a DNS-1035 label', clusterIPService, (s) => (s.metadata.name = '1web'), [`metadata.name: Invalid value: "1web": ${LABEL_1035}`]],
    ['namespace required', clusterIPService, (s) => delete s.metadata.namespace, ['metadata.namespace: Required value']],
    [
      'topology annotations must agree',
      clusterIPService,
      (s) => (s.metadata.annotations = { 'service.kubernetes.io/topology-mode': 'Auto', 'service.kubernetes.io/topology-aware-hints': 'Disabled' }),
      [
        'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
      ],
    ],
    ['ports required', clusterIPService, (s) => (s.spec.ports = []), ['spec.ports: Required value']],
    [
      'LoadBalancer may not be headless',
      loadBalancerService,
      (s) => Object.assign(s.spec, { clusterIP: 'None', clusterIPs: ['None'] }),
      [`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`],
    ],
    [
      'NodePort may not be headless',
      nodePortService,
      (s) => Object.assign(s.spec, { clusterIP: 'None', clusterIPs: ['None'] }),
      [`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`],
    ],
    [
      'ExternalName with cluster IP fields',
      externalNameService,
      (s) => Object.assign(s.spec, { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }),
      [
        'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilies: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services',
      ],
    ],
    ['ExternalName requires externalName', externalNameService, (s) => delete s.spec.externalName, ['spec.externalName: Required value']],
    ['a lone dot is empty', externalNameService, (s) => (s.spec.externalName = '.'), ['spec.externalName: Required value']],
    ['externalName is a subdomain', externalNameService, (s) => (s.spec.externalName = 'Db_1'), [`spec.externalName: Invalid value: "Db_1": ${SUBDOMAIN}`]],
    [
      'names required with several ports',
      clusterIPService,
      (s) => (s.spec.ports = ports(['', 80], ['', 81])),
      ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    ],
    ['a single port may be unnamed', clusterIPService, (s) => (s.spec.ports = ports(['', 80])), []],
    ['port name with a dot', clusterIPService, (s) => (s.spec.ports![0]!.name = 'http.x'), ['spec.ports[0].name: Invalid value: "http.x": must not contain dots']],
    ['port name upper case', clusterIPService, (s) => (s.spec.ports![0]!.name = 'HTTP'), [`spec.ports[0].name: Invalid value: "HTTP": ${LABEL_1123}`]],
    ['duplicate port name', clusterIPService, (s) => (s.spec.ports = ports(['http', 80], ['http', 81])), ['spec.ports[1].name: Duplicate value: "http"']],
    [
      'port number range',
      clusterIPService,
      (s) => (s.spec.ports = ports(['a', 0], ['b', 70000])),
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    ['protocol required', clusterIPService, (s) => (s.spec.ports![0]!.protocol = ''), ['spec.ports[0].protocol: Required value']],
    [
      'protocol supported',
      clusterIPService,
      (s) => (s.spec.ports![0]!.protocol = 'HTTP'),
      ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    ['targetPort number', clusterIPService, (s) => (s.spec.ports![0]!.targetPort = 0), ['spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['targetPort name', clusterIPService, (s) => (s.spec.ports![0]!.targetPort = 'metrics'), []],
    [
      'targetPort bad name',
      clusterIPService,
      (s) => (s.spec.ports![0]!.targetPort = 'very-long-port-name'),
      ['spec.ports[0].targetPort: Invalid value: "very-long-port-name": must be no more than 15 characters'],
    ],
    ['targetPort tolerated on headless', headlessService, (s) => (s.spec.ports![0]!.targetPort = 'metrics'), []],
    ['appProtocol', clusterIPService, (s) => (s.spec.ports![0]!.appProtocol = 'kubernetes.io/h2c'), []],
    [
      'bad appProtocol',
      clusterIPService,
      (s) => (s.spec.ports![0]!.appProtocol = 'h2 c'),
      [`spec.ports[0].appProtocol: Invalid value: "h2 c": name part ${QNAME_PART}`],
    ],
    ['selector keys', clusterIPService, (s) => (s.spec.selector = { 'a b': 'x' }), [`spec.selector: Invalid value: "a b": name part ${QNAME_PART}`]],
    ['sessionAffinity required', clusterIPService, (s) => delete s.spec.sessionAffinity, ['spec.sessionAffinity: Required value']],
    [
      'sessionAffinity supported',
      clusterIPService,
      (s) => (s.spec.sessionAffinity = 'Sticky'),
      ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    ],
    [
      'ClientIP needs a config',
      clusterIPService,
      (s) => (s.spec.sessionAffinity = 'ClientIP'),
      ['spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP'],
    ],
    [
      'ClientIP needs clientIP',
      clusterIPService,
      (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: {} }),
      ['spec.sessionAffinityConfig.clientIP: Required value: when session affinity type is ClientIP'],
    ],
    [
      'ClientIP needs timeoutSeconds',
      clusterIPService,
      (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: {} } }),
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value: when session affinity type is ClientIP'],
    ],
    [
      'ClientIP timeout range',
      clusterIPService,
      (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }),
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'],
    ],
    [
      'ClientIP timeout 0',
      clusterIPService,
      (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400'],
    ],
    [
      'ClientIP timeout 86400 is allowed',
      clusterIPService,
      (s) => Object.assign(s.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }),
      [],
    ],
    [
      'None with a config',
      clusterIPService,
      (s) => (s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10 } }),
      ['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None'],
    ],
    [
      'externalIPs',
      clusterIPService,
      (s) =>
        Object.assign(s.spec, {
          externalTrafficPolicy: 'Cluster',
          externalIPs: ['1.2.3', '0.0.0.0', '127.0.0.1', '169.254.1.1', '224.0.0.5', 'fe80::1', 'ff02::1', '::1', '010.001.002.003', '2001:db8::1'],
        }),
      [
        `spec.externalIPs[0]: Invalid value: "1.2.3": ${BAD_IP}`,
        'spec.externalIPs[1]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
        'spec.externalIPs[2]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'spec.externalIPs[3]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
        'spec.externalIPs[4]: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
        'spec.externalIPs[5]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
        'spec.externalIPs[6]: Invalid value: "ff02::1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
        'spec.externalIPs[7]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    ],
    ['type required', clusterIPService, (s) => delete s.spec.type, ['spec.type: Required value']],
    [
      'type supported',
      clusterIPService,
      (s) => (s.spec.type = 'Internal'),
      ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ],
    [
      'no nodePort on ClusterIP',
      clusterIPService,
      (s) => (s.spec.ports![0]!.nodePort = 30080),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      'duplicate nodePort per protocol',
      nodePortService,
      (s) => (s.spec.ports = ports(['a', 80, 'TCP', 30080], ['b', 81, 'UDP', 30080], ['c', 82, 'TCP', 30080])),
      ['spec.ports[2].nodePort: Duplicate value: 30080'],
    ],
    [
      'duplicate port per protocol (the key is dumped as a Go struct)',
      clusterIPService,
      (s) => (s.spec.ports = ports(['a', 53, 'UDP'], ['b', 53, 'TCP'], ['c', 53, 'UDP'])),
      [
        'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"UDP", AppProtocol:(*string)(nil), Port:53, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    ],
    [
      'loadBalancerSourceRanges only on LoadBalancer (path spelled as upstream)',
      clusterIPService,
      (s) => (s.spec.loadBalancerSourceRanges = ['10.0.0.0/8', ' 192.168.0.0/16 ', 'bogus']),
      [`spec.LoadBalancerSourceRanges: Forbidden: ${LB_ONLY}`, `spec.LoadBalancerSourceRanges[2]: Invalid value: "bogus": ${BAD_CIDR}`],
    ],
    ['loadBalancerSourceRanges on LoadBalancer', loadBalancerService, (s) => (s.spec.loadBalancerSourceRanges = [' 10.0.0.0/8']), []],
    [
      'source-ranges annotation',
      loadBalancerService,
      (s) => (s.metadata.annotations = { 'service.beta.kubernetes.io/load-balancer-source-ranges': ' 10.0.0.0/8, nope ' }),
      [`metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: "nope": ${BAD_CIDR}`],
    ],
    [
      'source-ranges annotation on ClusterIP',
      clusterIPService,
      (s) => (s.metadata.annotations = { 'service.beta.kubernetes.io/load-balancer-source-ranges': '' }),
      [`metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: ${LB_ONLY}`],
    ],
    [
      'the field wins over the annotation',
      loadBalancerService,
      (s) => {
        s.spec.loadBalancerSourceRanges = ['10.0.0.0/8'];
        s.metadata.annotations = { 'service.beta.kubernetes.io/load-balancer-source-ranges': 'nope' };
      },
      [],
    ],
    [
      'allocateLoadBalancerNodePorts only on LoadBalancer',
      nodePortService,
      (s) => (s.spec.allocateLoadBalancerNodePorts = false),
      [`spec.allocateLoadBalancerNodePorts: Forbidden: ${LB_ONLY}`],
    ],
    [
      'allocateLoadBalancerNodePorts required on LoadBalancer (no spec. prefix, as upstream)',
      loadBalancerService,
      (s) => delete s.spec.allocateLoadBalancerNodePorts,
      ['allocateLoadBalancerNodePorts: Required value'],
    ],
    ['loadBalancerClass only on LoadBalancer', clusterIPService, (s) => (s.spec.loadBalancerClass = 'example.com/lb'), [`spec.loadBalancerClass: Forbidden: ${LB_ONLY}`]],
    [
      'loadBalancerClass format',
      loadBalancerService,
      (s) => (s.spec.loadBalancerClass = 'example.com/my lb'),
      [`spec.loadBalancerClass: Invalid value: "example.com/my lb": name part ${QNAME_PART}`],
    ],
    [
      'externalTrafficPolicy only when externally accessible',
      clusterIPService,
      (s) => (s.spec.externalTrafficPolicy = 'Local'),
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ],
    ['ClusterIP with externalIPs needs externalTrafficPolicy', clusterIPService, (s) => (s.spec.externalIPs = ['192.0.2.1']), ['spec.externalTrafficPolicy: Required value']],
    ['externalTrafficPolicy required on NodePort', nodePortService, (s) => delete s.spec.externalTrafficPolicy, ['spec.externalTrafficPolicy: Required value']],
    [
      'externalTrafficPolicy supported',
      nodePortService,
      (s) => (s.spec.externalTrafficPolicy = 'Global'),
      ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'],
    ],
    [
      'healthCheckNodePort only for LoadBalancer+Local',
      nodePortService,
      (s) => Object.assign(s.spec, { externalTrafficPolicy: 'Local', healthCheckNodePort: 30500 }),
      ["spec.healthCheckNodePort: Invalid value: 30500: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"],
    ],
    ['healthCheckNodePort required', loadBalancerService, (s) => (s.spec.externalTrafficPolicy = 'Local'), ['spec.healthCheckNodePort: Required value']],
    [
      'healthCheckNodePort range',
      loadBalancerService,
      (s) => Object.assign(s.spec, { externalTrafficPolicy: 'Local', healthCheckNodePort: 70000 }),
      ['spec.healthCheckNodePort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    ['internalTrafficPolicy required', clusterIPService, (s) => delete s.spec.internalTrafficPolicy, ['spec.internalTrafficPolicy: Required value']],
    ['internalTrafficPolicy not required on ExternalName', externalNameService, () => {}, []],
    [
      'internalTrafficPolicy supported',
      clusterIPService,
      (s) => (s.spec.internalTrafficPolicy = 'Node'),
      ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
    ],
    ['trafficDistribution PreferClose', clusterIPService, (s) => (s.spec.trafficDistribution = 'PreferClose'), []],
    [
      'trafficDistribution in 1.33',
      clusterIPService,
      (s) => (s.spec.trafficDistribution = 'PreferSameZone'),
      ['spec.trafficDistribution: Unsupported value: "PreferSameZone": supported values: "PreferClose"'],
    ],
    [
      'errors come in upstream order',
      clusterIPService,
      (s) => {
        s.metadata.name = 'Web';
        s.spec.ports = [];
        s.spec.sessionAffinity = 'X';
        s.spec.clusterIPs = ['10.96.0.11'];
        s.spec.type = 'Foo';
        s.spec.trafficDistribution = 'Any';
      },
      [
        `metadata.name: Invalid value: "Web": ${LABEL_1035}`,
        'spec.ports: Required value',
        'spec.sessionAffinity: Unsupported value: "X": supported values: "ClientIP", "None"',
        'spec.clusterIPs: Invalid value: []string{"10.96.0.11"}: first value must match `clusterIP`',
        'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
        'spec.trafficDistribution: Unsupported value: "Any": supported values: "PreferClose"',
      ],
    ],
  ];
  runTable(rows, (svc) => validateService(svc).map(errorString));
});

describe('ValidateServiceClusterIPsRelatedFields', () => {
  const rows: Row[] = [
    ['dual-stack', dualStackService, () => {}, []],
    ['dual-stack, IPv6 primary', dualStackService, (s) => Object.assign(s.spec, { clusterIP: 'fd00::10', clusterIPs: ['fd00::10', '10.96.0.10'], ipFamilies: ['IPv6', 'IPv4'] }), []],
    ['not yet allocated', clusterIPService, (s) => Object.assign(s.spec, { clusterIP: undefined, clusterIPs: undefined, ipFamilies: undefined }), []],
    ['clusterIPs required with clusterIP', clusterIPService, (s) => delete s.spec.clusterIPs, ['spec.clusterIPs: Required value']],
    [
      'first value must match',
      clusterIPService,
      (s) => (s.spec.clusterIPs = ['10.96.0.11']),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.11"}: first value must match `clusterIP`'],
    ],
    [
      'clusterIPs without clusterIP',
      clusterIPService,
      (s) => delete s.spec.clusterIP,
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: must be empty when `clusterIP` is not specified'],
    ],
    [
      'ipFamilies supported and distinct',
      clusterIPService,
      (s) => (s.spec.ipFamilies = ['IPv5', 'IPv4', 'IPv4']),
      ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"', 'spec.ipFamilies[2]: Duplicate value: "IPv4"'],
    ],
    [
      'ipFamilyPolicy supported',
      clusterIPService,
      (s) => (s.spec.ipFamilyPolicy = 'DualStack'),
      ['spec.ipFamilyPolicy: Unsupported value: "DualStack": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"'],
    ],
    [
      "'None' first and only",
      headlessService,
      (s) => (s.spec.clusterIPs = ['None', '10.96.0.10']),
      [`spec.clusterIPs: Invalid value: []string{"None", "10.96.0.10"}: 'None' must be the first and only value`],
    ],
    ["'None' second is not an IP", clusterIPService, (s) => (s.spec.clusterIPs = ['10.96.0.10', 'None']), [`spec.clusterIPs[1]: Invalid value: "None": ${BAD_IP}`]],
    ['empty string is not an IP', clusterIPService, (s) => (s.spec.clusterIPs = ['10.96.0.10', '']), [`spec.clusterIPs[1]: Invalid value: "": ${BAD_IP}`]],
    ['leading zeros are accepted', clusterIPService, (s) => Object.assign(s.spec, { clusterIP: '010.096.000.010', clusterIPs: ['010.096.000.010'] }), []],
    [
      'at most two (and invalid entries stop the checks)',
      clusterIPService,
      (s) => (s.spec.clusterIPs = ['10.96.0.10', 'fd00::10', 'x']),
      [`spec.clusterIPs[2]: Invalid value: "x": ${BAD_IP}`, 'spec.clusterIPs: Invalid value: []string{"10.96.0.10", "fd00::10", "x"}: may only hold up to 2 values'],
    ],
    [
      'at most two, valid IPs',
      clusterIPService,
      (s) => (s.spec.clusterIPs = ['10.96.0.10', 'fd00::10', '10.96.0.11']),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.10", "fd00::10", "10.96.0.11"}: may only hold up to 2 values'],
    ],
    [
      'one IP per family',
      clusterIPService,
      (s) => (s.spec.clusterIPs = ['10.96.0.10', '10.96.0.11']),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.10", "10.96.0.11"}: may specify no more than one IP for each IP family'],
    ],
    [
      'IPv4-mapped counts as IPv4',
      clusterIPService,
      (s) => (s.spec.clusterIPs = ['10.96.0.10', '::ffff:10.96.0.11']),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.10", "::ffff:10.96.0.11"}: may specify no more than one IP for each IP family'],
    ],
    [
      'IP must match its family',
      dualStackService,
      (s) => (s.spec.ipFamilies = ['IPv6', 'IPv4']),
      [
        'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
        'spec.clusterIPs[1]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[1]`',
      ],
    ],
    ['headless skips the family match', headlessService, (s) => (s.spec.ipFamilies = ['IPv6', 'IPv4']), []],
    ['ExternalName is not checked', externalNameService, (s) => Object.assign(s.spec, { clusterIPs: ['x', 'y', 'z'], ipFamilyPolicy: 'Bogus' }), []],
  ];
  runTable(rows, (svc) => validateServiceClusterIPsRelatedFields(svc).map(errorString));
});

describe('ValidateServiceUpdate', () => {
  type UpdateRow = [title: string, make: () => Service, mutate: (s: Service) => void, want: string[]];
  const rows: UpdateRow[] = [
    ['unchanged', clusterIPService, () => {}, []],
    ['name is immutable', clusterIPService, (s) => (s.metadata.name = 'web2'), ['metadata.name: Invalid value: "web2": field is immutable']],
    [
      'primary clusterIP may not change',
      clusterIPService,
      (s) => Object.assign(s.spec, { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] }),
      ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'],
    ],
    [
      'primary clusterIP may not be unset',
      clusterIPService,
      (s) => Object.assign(s.spec, { clusterIP: undefined, clusterIPs: undefined }),
      ['spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset'],
    ],
    [
      'upgrade may not change the primary',
      clusterIPService,
      (s) => Object.assign(s.spec, { clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99', 'fd00::10'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' }),
      ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99", "fd00::10"}: may not change once set'],
    ],
    [
      'upgrade',
      clusterIPService,
      (s) => Object.assign(s.spec, { clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' }),
      [],
    ],
    [
      'family may not change (path is always ipFamilies[0])',
      clusterIPService,
      (s) => (s.spec.ipFamilies = ['IPv6']),
      [
        'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set',
        'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
      ],
    ],
    ['headless may change families', headlessService, (s) => (s.spec.ipFamilies = ['IPv6']), []],
    ['headless to headful is not an IP change', headlessService, (s) => Object.assign(s.spec, { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] }), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.10"}: may not change once set']],
  ];
  for (const [title, make, mutate, want] of rows) {
    it(title, () => {
      const old = make();
      const svc = make();
      mutate(svc);
      expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal(want);
    });
  }

  const downgrades: UpdateRow[] = [
    [
      'downgrade needs SingleStack',
      dualStackService,
      (s) => Object.assign(s.spec, { clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'] }),
      [
        `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be set to 'SingleStack' when releasing the secondary clusterIP`,
        `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be set to 'SingleStack' when releasing the secondary ipFamily`,
      ],
    ],
    ['downgrade', dualStackService, (s) => Object.assign(s.spec, { clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }), []],
    [
      'downgrade without a policy',
      dualStackService,
      (s) => Object.assign(s.spec, { clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: undefined }),
      [
        `spec.ipFamilyPolicy: Invalid value: null: must be set to 'SingleStack' when releasing the secondary clusterIP`,
        `spec.ipFamilyPolicy: Invalid value: null: must be set to 'SingleStack' when releasing the secondary ipFamily`,
      ],
    ],
    [
      'releasing the primary family shows clusterIPs as the value (upstream quirk)',
      dualStackService,
      (s) => Object.assign(s.spec, { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' }),
      [
        'spec.ipFamilies[0]: Invalid value: []string{"10.96.0.10", "fd00::10"}: may not change once set',
        'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
      ],
    ],
    [
      'primary ipFamily can not be unset is judged on clusterIPs (upstream quirk)',
      dualStackService,
      (s) => Object.assign(s.spec, { clusterIP: undefined, clusterIPs: undefined, ipFamilies: ['IPv4'] }),
      [
        'spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset',
        'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv4"}: primary ipFamily can not be unset',
        `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be set to 'SingleStack' when releasing the secondary ipFamily`,
      ],
    ],
  ];
  for (const [title, make, mutate, want] of downgrades) {
    it(title, () => {
      const old = make();
      const svc = make();
      mutate(svc);
      expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal(want);
    });
  }

  it('ExternalName transitions skip the clusterIP checks', () => {
    const old = clusterIPService();
    const svc = externalNameService();
    svc.metadata = { ...old.metadata };
    expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal([]);
    expect(validateServiceUpdate(old, svc).map(errorString)).to.deep.equal([]);
  });

  it('loadBalancerClass may not change on a LoadBalancer (and is checked twice, as upstream)', () => {
    const old = loadBalancerService();
    old.spec.loadBalancerClass = 'example.com/a';
    const svc = loadBalancerService();
    svc.spec.loadBalancerClass = 'example.com/b c';
    expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal([
      'spec.loadBalancerClass: Invalid value: "example.com/b c": may not change once set',
      `spec.loadBalancerClass: Invalid value: "example.com/b c": name part ${QNAME_PART}`,
      `spec.loadBalancerClass: Invalid value: "example.com/b c": name part ${QNAME_PART}`,
    ]);
    delete svc.spec.loadBalancerClass;
    expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal(['spec.loadBalancerClass: Invalid value: null: may not change once set']);
  });

  it('healthCheckNodePort is immutable while needed', () => {
    const old = loadBalancerService();
    Object.assign(old.spec, { externalTrafficPolicy: 'Local', healthCheckNodePort: 30500 });
    const svc = structuredClone(old);
    svc.spec.healthCheckNodePort = 30501;
    expect(validateServiceUpdate(svc, old).map(errorString)).to.deep.equal(['spec.healthCheckNodePort: Forbidden: field is immutable']);
  });
});
