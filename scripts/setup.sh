#!/usr/bin/env bash
# Installs what foldnet needs on a Debian 12 host (as root): Node.js >= 20,
# nftables, BIRD 2, iproute2; then the npm dependencies (from the lock file)
# and the build. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nft >/dev/null || need_apt+=(nftables)
command -v bird >/dev/null || need_apt+=(bird2)
command -v ip >/dev/null || need_apt+=(iproute2)
command -v ping >/dev/null || need_apt+=(iputils-ping)
command -v nc >/dev/null || need_apt+=(netcat-openbsd)
command -v node >/dev/null || need_apt+=(nodejs npm)
# The CNI plugin's tests run containers with podman (CNI backend, runc) from a static busybox image.
command -v podman >/dev/null || need_apt+=(podman)
command -v runc >/dev/null || need_apt+=(runc)
[ -x /usr/lib/cni/loopback ] || need_apt+=(containernetworking-plugins)
dpkg -s busybox-static >/dev/null 2>&1 || need_apt+=(busybox-static)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# BIRD must not run as the distribution's service: foldnet starts its own per host.
if systemctl is-active --quiet bird 2>/dev/null; then systemctl stop bird || true; fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "setup: foldnet needs Node.js 20 or newer, found $(node --version)" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
