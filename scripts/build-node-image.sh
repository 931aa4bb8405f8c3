#!/usr/bin/env bash
# Builds a stand-in for node:20-bookworm-slim from this machine's own Node runtime, for machines
# that cannot pull images: node and npm at the official image's paths, a POSIX shell, a `node`
# user (uid 1000), the machine's CA bundle, and nothing else.
# Usage: scripts/build-node-image.sh [tag]   (prints the tag it built)
set -euo pipefail
tag=${1:-clusterip-lab/node:20-local}
node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{usr/local/bin,usr/local/lib/node_modules,usr/bin,bin,etc,root,tmp,home/node}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
cp -r "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
cp "$(readlink -f /bin/sh)" "$root/bin/sh"
cp "$(readlink -f /usr/bin/env)" "$root/usr/bin/env"
for bin in "$root/usr/local/bin/node" "$root/bin/sh" "$root/usr/bin/env"; do
  for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
# The machine's trusted CAs go along, so npm inside the image reaches the registry the way the
# machine itself does (some networks intercept TLS with their own CA).
mkdir -p "$root/etc/ssl/certs"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$root/etc/group"
chown 1000:1000 "$root/home/node"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "$tag"
