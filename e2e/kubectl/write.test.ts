import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { call } from '../../apiserver/testing/server.js';
import { kubectlAgainstTestServer, table, type Kubectl, type TestApiServer } from './run.js';

const manifest = (name: string, body: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${body}`;

/**
 * The write lifecycle through the real kubectl 1.33: imperative creates (protobuf bodies),
 * create/apply/replace/edit from files with default (Strict) validation, the three patch types,
 * label, annotate, server-side apply, and the forms of delete.
 */
describe('e2e: kubectl writes (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: TestApiServer;
  let kubectl: Kubectl;
  const svc = async (name: string, namespace = 'default') => (await call(server.url, 'GET', `/api/v1/namespaces/${namespace}/services/${name}`)).body;

  kubectlAgainstTestServer((s, k) => {
    server = s;
    kubectl = k;
  });

  describe('create service and create namespace (protobuf request bodies)', () => {
    it('sends protobuf, which the server decodes', async () => {
      const res = await kubectl.run(['create', 'service', 'clusterip', 'pb', '--tcp=5678:8080', '-v=8']);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stderr).to.include('Content-Type: application/vnd.kubernetes.protobuf');
      expect(res.stdout).to.equal('service/pb created\n');
      const obj = await svc('pb');
      expect(obj.metadata.labels).to.deep.equal({ app: 'pb' });
      expect(obj.spec).to.deep.include({ selector: { app: 'pb' }, type: 'ClusterIP', ports: [{ name: '5678-8080', protocol: 'TCP', port: 5678, targetPort: 8080 }] });
    });

    it('clusterip, with a chosen IP and headless', async () => {
      expect(await kubectl.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--clusterip=10.96.0.10'])).to.equal('service/web created\n');
      expect(await kubectl.ok(['create', 'service', 'clusterip', 'hl', '--clusterip=None'])).to.equal('service/hl created\n');
      const rows = table(await kubectl.ok(['get', 'svc', 'web', 'hl', '-o', 'wide'])).rows;
      expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[6]])).to.deep.equal([
        ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', 'app=web'],
        ['hl', 'ClusterIP', 'None', '<none>', '<none>', 'app=hl'],
      ]);
    });

    it('nodeport, with an allocated and a chosen node port', async () => {
      expect(await kubectl.ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30111'])).to.equal('service/np created\n');
      expect(await kubectl.ok(['create', 'service', 'nodeport', 'np2', '--tcp=81:8081'])).to.equal('service/np2 created\n');
      const rows = table(await kubectl.ok(['get', 'svc', 'np', 'np2'])).rows;
      expect(rows[0]!.slice(0, 5)).to.deep.include.members(['np', 'NodePort', '<none>', '80:30111/TCP']);
      expect(rows[1]![4]).to.match(/^81:(3[0-2]\d{3})\/TCP$/);
    });

    it('externalname', async () => {
      expect(await kubectl.ok(['create', 'service', 'externalname', 'ext', '--external-name=db.example.com'])).to.equal('service/ext created\n');
      const row = table(await kubectl.ok(['get', 'svc', 'ext'])).rows[0]!;
      expect(row.slice(0, 5)).to.deep.equal(['ext', 'ExternalName', '<none>', 'db.example.com', '<none>']);
    });

    it('namespace, and a Service in it', async () => {
      expect(await kubectl.ok(['create', 'namespace', 'team'])).to.equal('namespace/team created\n');
      expect(await kubectl.ok(['create', 'service', 'clusterip', 'api', '--tcp=443', '-n', 'team'])).to.equal('service/api created\n');
      expect(table(await kubectl.ok(['get', 'ns', 'team'])).rows[0]!.slice(0, 2)).to.deep.equal(['team', 'Active']);
      expect((await svc('api', 'team')).metadata.namespace).to.equal('team');
    });

    it('a taken clusterIP fails with the message of the Status', async () => {
      const res = await kubectl.run(['create', 'service', 'clusterip', 'dup', '--tcp=80', '--clusterip=10.96.0.10']);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.equal(
        'error: failed to create ClusterIP service: Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated\n',
      );
    });
  });

  describe('create -f, apply -f, replace -f, edit', () => {
    it('create -f creates; again, AlreadyExists', async () => {
      await kubectl.writeFile('f1.yaml', manifest('f1', 'spec:\n  selector:\n    app: f1\n  ports:\n  - port: 80\n'));
      expect(await kubectl.ok(['create', '-f', 'f1.yaml'])).to.equal('service/f1 created\n');
      const again = await kubectl.run(['create', '-f', 'f1.yaml']);
      expect(again).to.deep.include({ code: 1, stderr: 'Error from server (AlreadyExists): error when creating "f1.yaml": services "f1" already exists\n' });
    });

    it('create -f - reads stdin, several documents', async () => {
      const input = `${manifest('s1', 'spec:\n  ports:\n  - port: 1\n')}---\n${manifest('s2', 'spec:\n  ports:\n  - port: 2\n')}`;
      expect(await kubectl.ok(['create', '-f', '-'], { input })).to.equal('service/s1 created\nservice/s2 created\n');
    });

    it('apply -f: created, then unchanged, then configured with a strategic merge patch', async () => {
      const file = manifest('app', 'spec:\n  selector:\n    app: app\n  ports:\n  - port: 80\n    targetPort: 8080\n  - name: metrics\n    port: 9100\n');
      await kubectl.writeFile('app.yaml', file.replace('  name: app\n', '  name: app\n  labels:\n    tier: fe\n').replace('  - port: 80\n', '  - name: http\n    port: 80\n'));
      expect(await kubectl.ok(['apply', '-f', 'app.yaml'])).to.equal('service/app created\n');
      const created = await svc('app');
      expect(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).to.be.a('string');
      expect(await kubectl.ok(['apply', '-f', 'app.yaml'])).to.equal('service/app unchanged\n');
      const same = await svc('app');
      expect(same.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);

      // Change a port, drop a port and a label: the patch carries $setElementOrder, $patch: delete and a null.
      await kubectl.writeFile('app.yaml', manifest('app', 'spec:\n  selector:\n    app: app\n  ports:\n  - name: http\n    port: 80\n    targetPort: 9090\n'));
      expect(await kubectl.ok(['apply', '-f', 'app.yaml'])).to.equal('service/app configured\n');
      const changed = await svc('app');
      expect(changed.metadata.labels ?? {}).to.deep.equal({});
      expect(changed.spec.ports).to.deep.equal([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 }]);
      expect(changed.spec.clusterIP).to.equal(created.spec.clusterIP);
      expect(await kubectl.ok(['apply', '-f', 'app.yaml'])).to.equal('service/app unchanged\n');
    });

    it('apply over an object made by create warns about the missing annotation and configures it', async () => {
      await kubectl.writeFile('c1.yaml', manifest('c1', 'spec:\n  ports:\n  - port: 80\n'));
      await kubectl.ok(['create', '-f', 'c1.yaml']);
      const res = await kubectl.run(['apply', '-f', 'c1.yaml']);
      expect(res.code).to.equal(0);
      expect(res.stdout).to.equal('service/c1 configured\n');
      expect(res.stderr).to.match(/^Warning: resource services\/c1 is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
    });

    it('replace -f replaces; a stale resourceVersion is a Conflict', async () => {
      const current = await kubectl.ok(['get', 'svc', 'f1', '-o', 'yaml']);
      await kubectl.writeFile('cur.yaml', current.replace('app: f1', 'app: f1-new'));
      expect(await kubectl.ok(['replace', '-f', 'cur.yaml'])).to.equal('service/f1 replaced\n');
      expect((await svc('f1')).spec.selector).to.deep.equal({ app: 'f1-new' });
      // cur.yaml still carries the resourceVersion the replace just outdated.
      const stale = await kubectl.run(['replace', '-f', 'cur.yaml']);
      expect(stale.code).to.equal(1);
      expect(stale.stderr).to.equal(
        'Error from server (Conflict): error when replacing "cur.yaml": Operation cannot be fulfilled on services "f1": the object has been modified; please apply your changes to the latest version and try again\n',
      );
    });

    it('edit sends the editor\'s change as a strategic merge patch', async () => {
      const editor = kubectl.path('editor.sh');
      await writeFile(editor, '#!/bin/sh\nsed -i "s/targetPort: 9090/targetPort: 8181/" "$1"\n', { mode: 0o755 });
      expect(await kubectl.ok(['edit', 'svc', 'app'], { env: { KUBE_EDITOR: editor } })).to.equal('service/app edited\n');
      expect((await svc('app')).spec.ports[0].targetPort).to.equal(8181);
      const none = await kubectl.run(['edit', 'svc', 'app'], { env: { KUBE_EDITOR: 'true' } });
      expect(none).to.deep.include({ code: 0, stderr: 'Edit cancelled, no changes made.\n' });
    });

    it('edit that breaks validation reports upstream\'s error and keeps a copy', async () => {
      const editor = kubectl.path('bad-editor.sh');
      await writeFile(editor, '#!/bin/sh\nsed -i "s/port: 80$/port: 70000/" "$1"\n', { mode: 0o755 });
      const res = await kubectl.run(['edit', 'svc', 'app'], { env: { KUBE_EDITOR: editor } });
      expect(res.code).to.equal(1);
      const copy = /^A copy of your changes has been stored to "(.+)"$/m.exec(res.stderr)?.[1];
      expect(res.stderr).to.equal(`error: services "app" is invalid\nA copy of your changes has been stored to "${copy}"\nerror: Edit cancelled, no valid changes were saved.\n`);
      // kubectl reopens the file with the causes of the 422 on top.
      const kept = await readFile(copy!, 'utf8');
      expect(kept).to.include('# services "app" was not valid:\n# * spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n#\n');
      expect((await svc('app')).spec.ports[0].port).to.equal(80);
    });
  });

  describe('validation', () => {
    it('unknown fields are rejected under the default (Strict) field validation', async () => {
      await kubectl.writeFile('unknown.yaml', manifest('unknown', 'spec:\n  ports:\n  - port: 80\n    bogus: 1\n  colour: blue\n'));
      for (const verb of ['create', 'apply']) {
        const res = await kubectl.run([verb, '-f', 'unknown.yaml']);
        expect(res.code, verb).to.equal(1);
        expect(res.stderr, verb).to.equal(
          'Error from server (BadRequest): error when creating "unknown.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.colour", unknown field "spec.ports[0].bogus"\n',
        );
      }
      const ignored = await kubectl.run(['create', '-f', 'unknown.yaml', '--validate=false']);
      expect(ignored).to.deep.include({ code: 0, stdout: 'service/unknown created\n', stderr: '' });
      // Ignored means dropped, not stored.
      const stored = await svc('unknown');
      expect(stored.spec).to.not.have.property('colour');
      expect(stored.spec.ports).to.deep.equal([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    });

    it('unknown fields in a patch: 422 under Strict, warnings under Warn, never stored', async () => {
      // The object exists, so apply sends a strategic merge patch with fieldValidation=Strict.
      const strict = await kubectl.run(['apply', '-f', 'unknown.yaml']);
      expect(strict.code).to.equal(1);
      const lines = strict.stderr.split('\n');
      expect(lines[0]).to.match(/^Warning: resource services\/unknown is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
      // Upstream shows the patch as Go's %+v of it; the unknown fields come in map order, which Go does not fix.
      expect(lines[1]).to.match(/^The request is invalid: patch: Invalid value: "map\[metadata:map\[annotations:map\[kubectl.kubernetes.io\/last-applied-configuration:\{.*\}\\n\]\] spec:map\[\$setElementOrder\/ports:\[map\[port:80\]\] colour:blue ports:\[map\[bogus:1 port:80\]\]\]\]": strict decoding error: unknown field "(spec.colour|spec.ports\[0\].bogus)", unknown field "(spec.colour|spec.ports\[0\].bogus)"$/);
      expect(lines[1]).to.include('spec.colour').and.include('spec.ports[0].bogus');
      const warned = await kubectl.run(['apply', '-f', 'unknown.yaml', '--validate=warn']);
      expect(warned.code).to.equal(0);
      expect(warned.stdout).to.equal('service/unknown configured\n');
      expect(warned.stderr.split('\n').slice(1).sort()).to.deep.equal(['', 'Warning: unknown field "spec.colour"', 'Warning: unknown field "spec.ports[0].bogus"']);
      // kubectl patch sends no fieldValidation: the server's default is Warn.
      const merge = await kubectl.run(['patch', 'svc', 'unknown', '--type=merge', '-p', '{"spec":{"colour":"red"}}']);
      expect(merge).to.deep.include({ code: 0, stdout: 'service/unknown patched (no change)\n', stderr: 'Warning: unknown field "spec.colour"\n' });
      const json = await kubectl.run(['patch', 'svc', 'unknown', '--type=json', '-p', '[{"op":"add","path":"/spec/colour","value":"red"}]']);
      expect(json).to.deep.include({ code: 0, stdout: 'service/unknown patched (no change)\n', stderr: 'Warning: unknown field "spec.colour"\n' });
      const stored = await svc('unknown');
      expect(stored.spec).to.not.have.property('colour');
      expect(stored.spec.ports).to.deep.equal([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    });

    it('server-side apply refuses fields the schema lacks, as a BadRequest', async () => {
      await kubectl.writeFile('ssa-unknown.yaml', manifest('ssa-unknown', 'spec:\n  colour: blue\n  ports:\n  - port: 80\n'));
      const res = await kubectl.run(['apply', '--server-side', '-f', 'ssa-unknown.yaml']);
      expect(res).to.deep.include({
        code: 1,
        stderr: 'Error from server (BadRequest): failed to create typed patch object (default/ssa-unknown; /v1, Kind=Service): .spec.colour: field not declared in schema\n',
      });
    });

    it('a Service with several errors prints one "* " line per cause', async () => {
      await kubectl.writeFile('bad.yaml', manifest('bad', 'spec:\n  type: Bogus\n  ports:\n  - port: 70000\n'));
      const res = await kubectl.run(['create', '-f', 'bad.yaml']);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.equal(
        [
          'The Service "bad" is invalid: ',
          '* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
          '* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
          '* spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
          '',
        ].join('\n'),
      );
    });

    it('a taken clusterIP from a file', async () => {
      await kubectl.writeFile('dup.yaml', manifest('dup', 'spec:\n  clusterIP: 10.96.0.10\n  ports:\n  - port: 80\n'));
      const res = await kubectl.run(['apply', '-f', 'dup.yaml']);
      expect(res).to.deep.include({
        code: 1,
        stderr: 'The Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated\n',
      });
    });
  });

  describe('patch, label, annotate', () => {
    it('strategic merge (the default) merges ports by port', async () => {
      expect(await kubectl.ok(['patch', 'svc', 'web', '-p', '{"spec":{"ports":[{"port":80,"targetPort":8081}]}}'])).to.equal('service/web patched\n');
      expect((await svc('web')).spec.ports).to.deep.equal([{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8081 }]);
      expect(await kubectl.ok(['patch', 'svc', 'web', '-p', '{"spec":{"ports":[{"port":80,"targetPort":8081}]}}'])).to.equal('service/web patched (no change)\n');
      const del = await kubectl.ok(['patch', 'svc', 'np', '--type=strategic', '-p', '{"spec":{"ports":[{"$patch":"delete","port":80},{"name":"b","port":82}]}}']);
      expect(del).to.equal('service/np patched\n');
      const ports = (await svc('np')).spec.ports;
      expect(ports).to.have.length(1);
      expect(ports[0]).to.include({ name: 'b', port: 82, protocol: 'TCP', targetPort: 82 });
      expect(ports[0].nodePort).to.be.within(30000, 32767).and.not.equal(30111);
    });

    it('--type=merge replaces lists whole', async () => {
      const out = await kubectl.ok(['patch', 'svc', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}},"spec":{"ports":[{"name":"http","port":8080}]}}']);
      expect(out).to.equal('service/web patched\n');
      const obj = await svc('web');
      expect(obj.metadata.labels).to.deep.equal({ app: 'web', m: '1' });
      expect(obj.spec.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }]);
    });

    it('--type=json applies RFC 6902 operations', async () => {
      const ops = '[{"op":"add","path":"/metadata/labels/j","value":"2"},{"op":"remove","path":"/metadata/labels/m"},{"op":"replace","path":"/spec/ports/0/port","value":8443}]';
      expect(await kubectl.ok(['patch', 'svc', 'web', '--type=json', '-p', ops])).to.equal('service/web patched\n');
      const obj = await svc('web');
      expect(obj.metadata.labels).to.deep.equal({ app: 'web', j: '2' });
      expect(obj.spec.ports[0].port).to.equal(8443);
      const failed = await kubectl.run(['patch', 'svc', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/type","value":"NodePort"}]']);
      expect(failed.code).to.equal(1);
      expect(failed.stderr).to.equal('The request is invalid: the server rejected our request due to an error in our request\n');
    });

    it('changing the clusterIP is upstream\'s 422, for every patch type', async () => {
      const expected = 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set\n';
      for (const type of ['strategic', 'merge']) {
        const res = await kubectl.run(['patch', 'svc', 'web', `--type=${type}`, '-p', '{"spec":{"clusterIP":"10.96.0.99"}}']);
        expect(res, type).to.deep.include({ code: 1, stderr: expected });
      }
      const json = await kubectl.run(['patch', 'svc', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/clusterIP","value":"10.96.0.99"}]']);
      expect(json).to.deep.include({ code: 1, stderr: expected });
    });

    it('patching a missing Service is NotFound and creates nothing', async () => {
      for (const type of ['strategic', 'merge']) {
        const res = await kubectl.run(['patch', 'svc', 'ghost', `--type=${type}`, '-p', '{"spec":{"ports":[{"port":80}]}}']);
        expect(res, type).to.deep.include({ code: 1, stderr: 'Error from server (NotFound): services "ghost" not found\n' });
      }
      expect((await kubectl.run(['get', 'svc', 'ghost'])).code).to.equal(1);
    });

    it('label and annotate, set, overwrite and remove', async () => {
      expect(await kubectl.ok(['label', 'svc', 'web', 'env=prod'])).to.equal('service/web labeled\n');
      const clash = await kubectl.run(['label', 'svc', 'web', 'env=dev']);
      expect(clash).to.deep.include({ code: 1, stderr: "error: 'env' already has a value (prod), and --overwrite is false\n" });
      expect(await kubectl.ok(['label', 'svc', 'web', 'env=dev', '--overwrite'])).to.equal('service/web labeled\n');
      expect(await kubectl.ok(['annotate', 'svc', 'web', 'note=hello world'])).to.equal('service/web annotated\n');
      expect(await kubectl.ok(['label', 'svc', 'web', 'j-'])).to.equal('service/web unlabeled\n');
      const obj = await svc('web');
      expect(obj.metadata.labels).to.deep.equal({ app: 'web', env: 'dev' });
      expect(obj.metadata.annotations).to.deep.equal({ note: 'hello world' });
      expect(await kubectl.ok(['label', 'svc', '-l', 'app in (s1,web)', 'bulk=yes'])).to.equal('service/web labeled\n');
      expect(await kubectl.ok(['get', 'svc', '-l', 'bulk=yes', '-o', 'name'])).to.equal('service/web\n');
    });
  });

  describe('apply --server-side', () => {
    it('creates, then updates, the object', async () => {
      await kubectl.writeFile('ssa.yaml', manifest('ssa', 'spec:\n  selector:\n    app: ssa\n  ports:\n  - port: 80\n'));
      expect(await kubectl.ok(['apply', '--server-side', '-f', 'ssa.yaml'])).to.equal('service/ssa serverside-applied\n');
      const created = await svc('ssa');
      expect(created.spec.ports).to.deep.equal([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
      expect(await kubectl.ok(['apply', '--server-side', '-f', 'ssa.yaml'])).to.equal('service/ssa serverside-applied\n');
      await kubectl.writeFile('ssa.yaml', manifest('ssa', 'spec:\n  selector:\n    app: ssa2\n  ports:\n  - port: 80\n'));
      expect(await kubectl.ok(['apply', '--server-side', '-f', 'ssa.yaml'])).to.equal('service/ssa serverside-applied\n');
      const updated = await svc('ssa');
      expect(updated.spec.selector).to.deep.equal({ app: 'ssa2' });
      expect(updated.spec.clusterIP).to.equal(created.spec.clusterIP);
    });

    it('drops what the same manager applied before and applies no more', async () => {
      await kubectl.writeFile('ssa.yaml', manifest('ssa', 'spec:\n  ports:\n  - port: 81\n'));
      expect(await kubectl.ok(['apply', '--server-side', '-f', 'ssa.yaml'])).to.equal('service/ssa serverside-applied\n');
      const obj = await svc('ssa');
      expect(obj.spec.ports).to.deep.equal([{ port: 81, protocol: 'TCP', targetPort: 81 }]);
      expect(obj.spec.selector).to.equal(undefined);
      // What kubectl applied is recorded as upstream records it, and hidden from -o yaml as there.
      expect(await kubectl.ok(['get', 'svc', 'ssa', '-o', 'yaml'])).to.not.include('managedFields');
      const managed = JSON.parse(await kubectl.ok(['get', 'svc', 'ssa', '-o', 'json', '--show-managed-fields'])).metadata.managedFields;
      expect(managed).to.have.length(1);
      expect(managed[0]).to.include({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' });
      expect(managed[0].fieldsV1).to.deep.equal({ 'f:spec': { 'f:ports': { 'k:{"port":81,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } } });
    });
  });

  describe('delete', () => {
    it('one by name, then NotFound', async () => {
      expect(await kubectl.ok(['delete', 'svc', 'pb'])).to.equal('service "pb" deleted\n');
      const again = await kubectl.run(['delete', 'svc', 'pb']);
      expect(again).to.deep.include({ code: 1, stderr: 'Error from server (NotFound): services "pb" not found\n' });
    });

    it('-f deletes what the file names', async () => {
      expect(await kubectl.ok(['delete', '-f', 'f1.yaml'])).to.equal('service "f1" deleted\n');
      const again = await kubectl.run(['delete', '-f', 'f1.yaml']);
      expect(again).to.deep.include({ code: 1, stderr: 'Error from server (NotFound): error when deleting "f1.yaml": services "f1" not found\n' });
    });

    it('-l deletes every match', async () => {
      await kubectl.ok(['label', 'svc', 's1', 's2', 'batch=gone']);
      expect(await kubectl.ok(['delete', 'svc', '-l', 'batch=gone'])).to.equal('service "s1" deleted\nservice "s2" deleted\n');
      const none = await kubectl.run(['delete', 'svc', '-l', 'batch=gone']);
      expect(none).to.deep.include({ code: 0, stdout: 'No resources found\n', stderr: '' });
    });

    it('a namespace, with the Services in it', async () => {
      expect(await kubectl.ok(['delete', 'namespace', 'team'])).to.equal('namespace "team" deleted\n');
      const gone = await kubectl.run(['get', 'svc', '-n', 'team']);
      expect(gone.stdout).to.equal('');
    });
  });
});
