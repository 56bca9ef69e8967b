# Shell helpers the services scripts share (sourced, not run): free loopback
# ports, waiting for a server, stopping a process by its pid file. What to
# start, and how, is kafka.sh's and etcd.sh's business.

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVICES_CACHE="${FOLDNET_SERVICES_CACHE:-$SERVICES_DIR/.cache}"
KAFKA_VERSION=3.9.1
KAFKA_LIB="$SERVICES_CACHE/kafka-$KAFKA_VERSION/lib"

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

# A TCP port on 127.0.0.1 nobody listens on now (the kernel picks it).
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True while the pid in file $1 names a live process.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $2 seconds for the pid in $1 to exit; SIGKILLs it after that.
stop_pid() {
  local pidfile=$1 grace=${2:-30} pid
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  log "pid $pid did not stop in ${grace}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$pidfile"
}

# Waits up to $3 seconds for the server WHAT ($1) whose pid is in $2/pid to
# pass the check "$5 ..." (a command); shows the tail of its log $4 and dies
# when it exits first or the time runs out (stopping it then).
await_server() {
  local what=$1 run=$2 secs=$3 logfile=$4
  shift 4
  for _ in $(seq 1 $((secs * 10))); do
    if ! pid_alive "$run/pid"; then
      tail -n 30 "$logfile" "$run/stdout.log" >&2 2>/dev/null || true
      die "$what in $run exited while starting"
    fi
    "$@" && return 0
    sleep 0.1
  done
  tail -n 30 "$logfile" >&2 2>/dev/null || true
  stop_pid "$run/pid" 5
  die "$what in $run did not start within $secs s"
}

# Reads ports from $1/ports (one NAME=PORT a line), choosing and saving free
# ones the first time, so a restarted server comes back on the same ports.
ensure_ports() {
  local dir=$1; shift
  if [ ! -s "$dir/ports" ]; then
    local name
    for name in "$@"; do echo "$name=$(free_port)"; done >"$dir/ports"
  fi
  # shellcheck disable=SC1091
  . "$dir/ports"
}
