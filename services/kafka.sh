#!/usr/bin/env bash
# One Apache Kafka broker in KRaft mode (broker and controller in one JVM) on
# free loopback ports, its data and logs in RUN_DIR:
#   kafka.sh start RUN_DIR   formats the storage the first time, starts the
#                            broker (again on the same ports and data when
#                            RUN_DIR was used before), waits until it serves,
#                            prints its bootstrap address 127.0.0.1:PORT
#   kafka.sh stop RUN_DIR    stops it (SIGTERM, SIGKILL after 30 s)
# The jars come from install.sh. The broker's log is RUN_DIR/kafka.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmd=${1:-}
run=${2:-}
[ -n "$cmd" ] && [ -n "$run" ] || die "usage: kafka.sh start|stop RUN_DIR"
mkdir -p "$run"
run="$(cd "$run" && pwd)"

case "$cmd" in
stop)
  stop_pid "$run/pid" 30
  exit 0
  ;;
start) ;;
*) die "usage: kafka.sh start|stop RUN_DIR" ;;
esac

[ -d "$KAFKA_LIB" ] || die "no Kafka jars in $KAFKA_LIB: run services/install.sh first"
ensure_ports "$run" PORT CONTROLLER_PORT
if pid_alive "$run/pid"; then
  echo "127.0.0.1:$PORT"
  exit 0
fi

cat >"$run/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
PROPS

java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
  -Dkafka.logs.dir="$run" -Dlog4j.configuration="file:$SERVICES_DIR/kafka/log4j.properties")

if [ ! -f "$run/data/meta.properties" ]; then
  cluster_id=$(java -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$run/server.properties" >"$run/format.log" 2>&1 ||
    { cat "$run/format.log" >&2; die "formatting the Kafka storage in $run/data failed"; }
fi

[ -f "$run/kafka.log" ] && mv -f "$run/kafka.log" "$run/kafka.log.prev"
# setsid: the broker outlives this script and the shell that ran it.
setsid java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$run/server.properties" \
  >"$run/stdout.log" 2>&1 </dev/null &
echo $! >"$run/pid"

# Up when the port answers and the broker says it has started (a log that was
# unclean at a SIGKILL is recovered first, which may take a few seconds).
started() { port_open "$PORT" && grep -q 'Kafka Server started' "$run/kafka.log" 2>/dev/null; }
await_server "the Kafka broker" "$run" 120 "$run/kafka.log" started
echo "127.0.0.1:$PORT"
