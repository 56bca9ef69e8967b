#!/usr/bin/env bash
# Starts the servers foldnet's integration tests use — one Kafka broker
# (KRaft) and one etcd, each on free loopback ports — after installing what is
# missing (install.sh), and writes their addresses to services/.run/env:
#   FOLDNET_TEST_KAFKA=127.0.0.1:PORT
#   FOLDNET_TEST_ETCD=127.0.0.1:PORT
# The tests read those variables, or that file when they are unset. Running
# it again while they run changes nothing. services/stop.sh stops them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$SERVICES_DIR/install.sh"
run="$SERVICES_DIR/.run"
mkdir -p "$run"
# Both JVM and etcd start at once: Kafka's start dominates (about 5 s warm).
bash "$SERVICES_DIR/etcd.sh" start "$run/etcd" >"$run/etcd.addr" &
etcd_job=$!
kafka=$(bash "$SERVICES_DIR/kafka.sh" start "$run/kafka")
wait "$etcd_job" || die "etcd did not start"
etcd=$(cat "$run/etcd.addr")
printf 'FOLDNET_TEST_KAFKA=%s\nFOLDNET_TEST_ETCD=%s\n' "$kafka" "$etcd" >"$run/env.partial"
mv "$run/env.partial" "$run/env"
log "Kafka at $kafka, etcd at $etcd (written to $run/env)"
