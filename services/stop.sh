#!/usr/bin/env bash
# Stops the servers services/start.sh started and deletes their data.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

run="$SERVICES_DIR/.run"
[ -d "$run" ] || exit 0
bash "$SERVICES_DIR/kafka.sh" stop "$run/kafka" || true
bash "$SERVICES_DIR/etcd.sh" stop "$run/etcd" || true
rm -rf "$run"
