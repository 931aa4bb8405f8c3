#!/usr/bin/env bash
# Builds an etcd image from the machine's own etcd binary, for machines that cannot pull
# gcr.io/etcd-development/etcd: etcd and etcdctl at the same paths, no shell, like the official one.
# Usage: scripts/build-etcd-image.sh [tag]   (prints the tag it built)
set -euo pipefail
tag=${1:-clusterip-lab/etcd:local}
etcd_bin=$(command -v etcd) || { echo "no etcd binary: apt-get install -y etcd-server" >&2; exit 1; }
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/var/lib/etcd" "$ctx/rootfs/tmp"
cp "$etcd_bin" "$ctx/rootfs/usr/local/bin/etcd"
command -v etcdctl >/dev/null && cp "$(command -v etcdctl)" "$ctx/rootfs/usr/local/bin/etcdctl"
# Copy the dynamic loader and every library the binaries link against, keeping their paths.
for lib in $(for b in "$ctx"/rootfs/usr/local/bin/*; do ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'; done | sort -u); do
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
done
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
CMD ["/usr/local/bin/etcd"]
DOCKERFILE
docker build -q -t "$tag" "$ctx" >&2
echo "$tag"
