import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TESTDATA } from '../testing/golden.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const CASE = `${TESTDATA}cases/external-traffic-policy-local`;

function trace(args: string[]) {
  return spawnSync(process.execPath, [MAIN, 'trace', '--services', `${CASE}/services.json`, '--endpointslices', `${CASE}/endpointslices.json`, '--hostname-override=node-a', '--node-ip=192.168.0.2', '--cluster-cidr=10.244.0.0/16', ...args], { encoding: 'utf8' });
}

describe('proxy-sim trace (command line)', function () {
  this.timeout(30_000);

  it('-o json prints output, masq and the path of matched rules', () => {
    const res = trace(['--src', '10.244.3.3', '--dst', '10.96.7.7', '--dport', '80', '-o', 'json']);
    expect(res.stderr).to.equal('');
    const out = JSON.parse(res.stdout) as { output: string; masq: boolean; path: { table: string; chain: string; rule: string; why: string[] }[] };
    expect(Object.keys(out)).to.deep.equal(['output', 'masq', 'path']);
    expect(out.output).to.match(/^10\.244\.\d+\.\d+:\d+(, 10\.244\.\d+\.\d+:\d+)*$/);
    expect(out.masq).to.equal(false);
    expect(out.path[0]).to.include({ table: 'nat', chain: 'KUBE-SERVICES' });
  });

  it('text output names the chains and the verdict', () => {
    const res = trace(['--src', '198.51.100.7', '--dst', '10.96.7.7', '--dport', '80']);
    expect(res.status, res.stderr).to.equal(0);
    expect(res.stdout).to.include("kube-proxy's entry point");
    expect(res.stdout).to.match(/Result: DNAT to/);
  });

  it('refuses a bad port, protocol or mixed families', () => {
    expect(trace(['--src', '10.0.0.1', '--dst', '10.96.7.7', '--dport', '0']).stderr).to.include('--dport: "0" is not a port from 1 to 65535');
    expect(trace(['--src', '10.0.0.1', '--dst', '10.96.7.7', '--dport', '80', '--protocol', 'icmp']).stderr).to.include('--protocol: "icmp" is not tcp, udp or sctp');
    expect(trace(['--src', 'fd00::1', '--dst', '10.96.7.7', '--dport', '80']).stderr).to.include('--src and --dst must be of the same IP family');
  });
});
