#!/usr/bin/env bash
# Runs the docker-compose demo and checks it: the demo service must finish with status 0, and
# proxy-sim's log must hold the chains of the demo's Service and its clusterIP. Tears down after.
# Needs NODE_IMAGE and ETCD_IMAGE when no registry can be reached (scripts/build-*-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/compose.sh
found=$(compose_command)
read -ra compose_cmd <<<"$found"
compose=("${compose_cmd[@]}" -p clusterip-lab-ci)

# The defaults must stay the official images, for machines with registry access.
defaults=$(env -u NODE_IMAGE -u ETCD_IMAGE "${compose_cmd[@]}" config)
grep -q 'image: gcr.io/etcd-development/etcd:v3.5' <<<"$defaults" || { echo "compose default etcd image is not the official one" >&2; exit 1; }
grep -q 'NODE_IMAGE: node:20-bookworm-slim' <<<"$defaults" || { echo "compose default node image is not node:20-bookworm-slim" >&2; exit 1; }

cleanup() { "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
"${compose[@]}" build --quiet
"${compose[@]}" up -d

demo=$("${compose[@]}" ps -q demo)
demo_exit_code() {
  for _ in $(seq 1 150); do
    [ "$(docker inspect -f '{{.State.Status}}' "$demo")" = exited ] && break
    sleep 2
  done
  docker inspect -f '{{.State.ExitCode}}' "$demo"
}
code=$(demo_exit_code)
"${compose[@]}" logs --no-color demo
[ "$code" = 0 ] || { echo "the demo service exited with $code" >&2; "${compose[@]}" logs --no-color apiserver proxy-sim | tail -50; exit 1; }

ip=$("${compose[@]}" logs --no-color demo | sed -n 's/.*ok: one clusterIP was allocated: \([0-9.]*\).*/\1/p' | head -1)
proxy_log=$("${compose[@]}" logs --no-color proxy-sim)
grep -q -- "-d $ip --dport 80 -j KUBE-SVC-" <<<"$proxy_log" || { echo "proxy-sim's log has no KUBE-SERVICES rule for $ip" >&2; exit 1; }
grep -q -- '-A KUBE-SVC-[A-Z0-9]* -m comment --comment "default/web:80-8080 -> 10.244.1.5:8080"' <<<"$proxy_log" || { echo "proxy-sim's log has no KUBE-SVC chain for default/web" >&2; exit 1; }

# Compose starts the one-shot demo again on a later `up` (e.g. with --profile ha): that rerun,
# against the same cluster, must pass too.
"${compose[@]}" start demo >/dev/null
code=$(demo_exit_code)
[ "$code" = 0 ] || { echo "the demo service's rerun exited with $code" >&2; "${compose[@]}" logs --no-color --tail 60 demo; exit 1; }
echo "compose demo: ok (default/web on $ip, chains in proxy-sim's log; a rerun passed)"
