import { expect } from 'chai';
import { parse as parseYAML } from 'yaml';
import { startTestApiServer } from '../../apiserver/testing/server.js';
import { descriptionBlock, SEED_CLUSTER_IP_DESCRIPTION, words } from './explain-text.js';
import { AGE, Kubectl, requireKubectl, table, versionedKubectl } from './run.js';

/**
 * Older kubectls (run directly, not through the dispatcher) against the same server: get,
 * create -f, apply (created, unchanged, configured), default validation, explain, create
 * service, delete and NotFound.
 *
 * kubectl 1.27 and 1.28 load OpenAPI v2, as gnostic protobuf only, before they validate or
 * explain anything, and fail without it. Having loaded it they, like 1.29+, find
 * `fieldValidation` on the PATCH operation in OpenAPI v3, skip client-side validation and send
 * fieldValidation=Strict, so the server refuses unknown fields, as a real v1.33 cluster does.
 * `explain --output=plaintext-openapiv2` reads OpenAPI v2 in every version.
 */
const VERSIONS = [27, 28, 29, 30, 31, 32];

describe('e2e: older kubectl versions (1.27 to 1.32, run directly)', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;

  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  for (const minor of VERSIONS) {
    describe(`kubectl 1.${minor}`, () => {
      let kubectl: Kubectl;
      const name = `v${minor}`;
      const manifest = (port: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: ${port}\n`;

      before(async function () {
        const binary = requireKubectl(this, versionedKubectl(minor), `kubectl 1.${minor}`);
        kubectl = await Kubectl.forServer(binary, server.url);
      });
      after(async () => kubectl?.cleanup());

      it('reports its own version and the server\'s', async () => {
        const out = await kubectl.ok(['version', '-o', 'json']);
        const v = JSON.parse(out);
        expect(v.clientVersion.minor).to.equal(String(minor));
        expect(v.serverVersion).to.include({ major: '1', minor: '33' });
      });

      if (minor >= 31) {
        it('lists ServiceCIDRs and IPAddresses through discovery', async () => {
          const cidrs = table(await kubectl.ok(['get', 'servicecidrs']));
          expect(cidrs.header).to.deep.equal(['NAME', 'CIDRS', 'AGE']);
          expect(cidrs.rows[0]!.slice(0, 2)).to.deep.equal(['kubernetes', '10.96.0.0/12']);
          const ips = table(await kubectl.ok(['get', 'ipaddresses', '10.96.0.1']));
          expect(ips.header).to.deep.equal(['NAME', 'PARENTREF', 'AGE']);
          expect(ips.rows[0]!.slice(0, 2)).to.deep.equal(['10.96.0.1', 'services/default/kubernetes']);
        });
      }

      it('get svc prints the real columns', async () => {
        const { header, rows } = table(await kubectl.ok(['get', 'svc', 'kubernetes', '-o', 'wide']));
        expect(header).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
        expect(rows[0]!.slice(0, 5)).to.deep.equal(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
        expect(rows[0]![5]).to.match(AGE);
      });

      it('create -f, then apply: unchanged, then configured', async () => {
        await kubectl.writeFile('svc.yaml', manifest(80));
        expect(await kubectl.ok(['apply', '-f', 'svc.yaml'])).to.equal(`service/${name} created\n`);
        expect(await kubectl.ok(['apply', '-f', 'svc.yaml'])).to.equal(`service/${name} unchanged\n`);
        await kubectl.writeFile('svc.yaml', manifest(81));
        expect(await kubectl.ok(['apply', '-f', 'svc.yaml'])).to.equal(`service/${name} configured\n`);
        const obj = parseYAML(await kubectl.ok(['get', 'svc', name, '-o', 'yaml']));
        expect(obj.spec.ports).to.deep.equal([{ port: 81, protocol: 'TCP', targetPort: 81 }]);
        const again = await kubectl.run(['create', '-f', 'svc.yaml']);
        expect(again).to.deep.include({ code: 1, stderr: `Error from server (AlreadyExists): error when creating "svc.yaml": services "${name}" already exists\n` });
      });

      it('default validation: OpenAPI v2 in protobuf (1.27, 1.28), then fieldValidation=Strict; the server refuses unknown fields', async () => {
        await kubectl.writeFile('ok.yaml', manifest(80).replace(`name: ${name}`, `name: ${name}-ok`));
        expect(await kubectl.ok(['create', '-f', 'ok.yaml'])).to.equal(`service/${name}-ok created\n`);
        expect(await kubectl.ok(['delete', '-f', 'ok.yaml'])).to.equal(`service "${name}-ok" deleted\n`);

        await kubectl.writeFile('bad.yaml', manifest(80).replace(`name: ${name}`, `name: ${name}-bad`).replace('  ports:', '  colour: blue\n  ports:'));
        const res = await kubectl.run(['create', '-f', 'bad.yaml', '-v=6']);
        expect(res.code, res.stderr).to.equal(1);
        // 1.29+ need OpenAPI v3 only here.
        const v2 = /GET http:\/\/[^ ]+\/openapi\/v2\?timeout=32s (200 OK|304 Not Modified)/;
        if (minor <= 28) expect(res.stderr).to.match(v2);
        else expect(res.stderr).to.not.match(/\/openapi\/v2/);
        expect(res.stderr).to.match(/POST http:\/\/[^ ]+\/api\/v1\/namespaces\/default\/services\?fieldManager=kubectl-create&fieldValidation=Strict 400 Bad Request/);
        const again = await kubectl.run(['create', '-f', 'bad.yaml']);
        expect(again).to.deep.include({
          code: 1,
          stderr: 'Error from server (BadRequest): error when creating "bad.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.colour"\n',
        });
      });

      it('explain service.spec.clusterIP: the upstream text, in the v3 rendering and byte for byte in the v2 one', async () => {
        const v3 = await kubectl.ok(['explain', 'service.spec.clusterIP']);
        expect(v3.startsWith('KIND:       Service\nVERSION:    v1\n\nFIELD: clusterIP <string>\n'), v3).to.equal(true);
        expect(words(descriptionBlock(v3))).to.equal(words(SEED_CLUSTER_IP_DESCRIPTION));
        const v2 = await kubectl.ok(['explain', 'service.spec.clusterIP', '--output=plaintext-openapiv2']);
        expect(v2).to.equal(`KIND:     Service\nVERSION:  v1\n\nFIELD:    clusterIP <string>\n\nDESCRIPTION:${SEED_CLUSTER_IP_DESCRIPTION}`);
      });

      it('create service clusterip, with the taken-IP error as upstream prints it', async () => {
        expect(await kubectl.ok(['create', 'service', 'clusterip', `${name}-cs`, '--tcp=80:8080'])).to.equal(`service/${name}-cs created\n`);
        const ip = await kubectl.ok(['get', 'svc', `${name}-cs`, '-o', 'jsonpath={.spec.clusterIP}']);
        const dup = await kubectl.run(['create', 'service', 'clusterip', `${name}-dup`, '--tcp=80', `--clusterip=${ip}`]);
        expect(dup.code).to.equal(1);
        expect(dup.stderr).to.equal(
          `error: failed to create ClusterIP service: Service "${name}-dup" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated\n`,
        );
      });

      it('delete -f and by name; then NotFound', async () => {
        expect(await kubectl.ok(['delete', '-f', 'svc.yaml'])).to.equal(`service "${name}" deleted\n`);
        expect(await kubectl.ok(['delete', 'svc', `${name}-cs`])).to.equal(`service "${name}-cs" deleted\n`);
        const res = await kubectl.run(['get', 'svc', name]);
        expect(res).to.deep.include({ code: 1, stderr: `Error from server (NotFound): services "${name}" not found\n` });
      });
    });
  }
});
