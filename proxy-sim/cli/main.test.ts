import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sharedClient, sharedEtcd, uniquePrefix } from '../../shared/testing/etcd.js';
import { TESTDATA, readTestdata } from '../testing/golden.js';
import { eventually, putObject } from '../testing/live.js';
import { svc } from '../testing/objects.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
}

describe('proxy-sim command line', function () {
  this.timeout(60_000);

  describe('render: one case of our own per feature, through the CLI, byte for byte', () => {
    for (const name of readdirSync(`${TESTDATA}cases`).sort()) {
      it(name, () => {
        const dir = `${TESTDATA}cases/${name}`;
        const args = JSON.parse(readFileSync(`${dir}/args.json`, 'utf8')) as string[];
        const res = cli(['render', '--services', `${dir}/services.json`, '--endpointslices', `${dir}/endpointslices.json`, ...args]);
        expect(res.stderr).to.equal('');
        expect(res.status).to.equal(0);
        expect(res.stdout).to.equal(readFileSync(`${dir}/expected.iptables-restore`, 'utf8'));
      });
    }
  });

  it('render reads a JSON array from stdin and warns about items it cannot use', () => {
    const items = JSON.parse(readTestdata('cases/session-affinity/services.json')).items as unknown[];
    const res = cli(['render', '--services', '-', '--cluster-cidr', '10.244.0.0/16'], JSON.stringify([...items, { kind: 'Pod', metadata: {} }, { metadata: {}, spec: { ports: 7 } }]));
    expect(res.status).to.equal(0);
    expect(res.stdout).to.include('app/sticky:http has no endpoints');
    expect(res.stderr).to.include('skipping item 1: kind is "Pod", not Service');
    expect(res.stderr).to.include('skipping item 2: Service.spec.ports must be an array');
  });

  const refusals: [string[], string][] = [
    [['render', '--services', '-', '--nfacct=maybe'], 'invalid argument "maybe" for "--nfacct" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
    [['render', '--services', '-', '--ip-family', 'IPv4,IPv6'], '--ip-family takes IPv4 or IPv6'],
    [['render', '--services', '-', '--iptables-masquerade-bit', '32'], 'must be an integer from 0 to 31'],
    [['render', '--services', '-', '--cluster-cidr', '10.0.0.0/33'], '"10.0.0.0/33" is not a valid CIDR'],
    [['--iptables-sync-period', '0'], '--iptables-sync-period must be greater than 0'],
    [['--iptables-min-sync-period', '5'], 'time: invalid duration "5"'],
    [[], '--etcd-servers is required'],
  ];
  for (const [args, message] of refusals) {
    it(`refuses ${args.join(' ') || 'no arguments'}`, () => {
      const res = cli(args, '[]');
      expect(res.status).to.not.equal(0);
      expect(res.stderr).to.include(message);
    });
  }

  it('runs live from the command line, keeps --output-file current, and exits on SIGTERM', async () => {
    const { endpoints } = await sharedEtcd();
    const client = await sharedClient();
    const root = uniquePrefix('proxy-sim');
    const dir = mkdtempSync(`${tmpdir()}/proxy-sim-cli-`);
    const file = `${dir}/rules`;
    const child = spawn(process.execPath, [MAIN, '--etcd-servers', endpoints.join(','), '--etcd-prefix', root, '--iptables-min-sync-period=0', '--hostname-override', 'node-a', '--output-file', file]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => expect(out).to.match(/^# sync 1 \(full\): initial sync \(etcd revision \d+\)\n\*filter\n/));
      const rev = await putObject(client, root, svc('default/web', { clusterIP: '10.96.0.10' }));
      await eventually(() => expect(out).to.include(`# sync 2 (partial): ADDED default/web (etcd revision ${rev})\n*filter\n`));
      await eventually(() => expect(readFileSync(file, 'utf8')).to.include('default/web:p80 has no endpoints'));
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).to.equal(0);
    } finally {
      child.kill('SIGKILL');
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
