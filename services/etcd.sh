#!/usr/bin/env bash
# One etcd member on free loopback ports, its data and log in RUN_DIR:
#   etcd.sh start RUN_DIR   starts it (again on the same ports and data when
#                           RUN_DIR was used before), waits until /health
#                           answers, prints its client address 127.0.0.1:PORT
#   etcd.sh stop RUN_DIR    stops it (SIGTERM, SIGKILL after 20 s)
# --max-txn-ops and --max-request-bytes are raised because foldnet appends a
# batch of events in one transaction (3 operations per event); see
# src/log/etcd-log.ts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmd=${1:-}
run=${2:-}
[ -n "$cmd" ] && [ -n "$run" ] || die "usage: etcd.sh start|stop RUN_DIR"
mkdir -p "$run"
run="$(cd "$run" && pwd)"

case "$cmd" in
stop)
  stop_pid "$run/pid" 20
  exit 0
  ;;
start) ;;
*) die "usage: etcd.sh start|stop RUN_DIR" ;;
esac

command -v etcd >/dev/null || die "etcd is not installed: run services/install.sh first"
ensure_ports "$run" PORT PEER_PORT
if pid_alive "$run/pid"; then
  echo "127.0.0.1:$PORT"
  exit 0
fi

setsid etcd --name foldnet-test --data-dir "$run/data" \
  --listen-client-urls "http://127.0.0.1:$PORT" --advertise-client-urls "http://127.0.0.1:$PORT" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "foldnet-test=http://127.0.0.1:$PEER_PORT" --initial-cluster-state new \
  --max-txn-ops 20000 --max-request-bytes 33554432 \
  --logger zap --log-level warn --log-outputs "$run/etcd.log" \
  >"$run/stdout.log" 2>&1 </dev/null &
echo $! >"$run/pid"

healthy() { port_open "$PORT" && curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
await_server etcd "$run" 60 "$run/etcd.log" healthy
echo "127.0.0.1:$PORT"
