#!/usr/bin/env bash
# Installs what foldnet's Kafka and etcd tests need on Debian (as root), only
# what is missing: etcd from Debian's etcd-server package (its own service is
# stopped: tests start their own etcd on free ports), a Java runtime and
# Maven, and the Apache Kafka broker's jars from Maven Central, copied once
# into services/.cache/kafka-VERSION/lib. Once that copy is complete Maven is
# not run again, so later runs need no network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_apt=()
command -v etcd >/dev/null || need_apt+=(etcd-server)
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]}"
  apt-get update -qq
  # RUNLEVEL=1 keeps Debian's maintainer scripts from starting etcd's own service.
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# The distribution's etcd service (if the package started one) is not ours.
if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
  systemctl disable --now etcd >/dev/null 2>&1 || true
fi

pom="$SERVICES_DIR/kafka/pom.xml"
stamp="$(sha256sum "$pom" | cut -d' ' -f1)"
dest="$(dirname "$KAFKA_LIB")"
if [ "$(cat "$dest/.complete" 2>/dev/null || true)" != "$stamp" ]; then
  log "fetching the Kafka $KAFKA_VERSION broker jars (Maven Central) into $KAFKA_LIB"
  rm -rf "$dest"
  mkdir -p "$dest"
  tmp="$dest/lib.partial"
  attempt=1
  # Maven retries each download itself; a whole second pass covers a dropped connection.
  until mvn -q -B -ntp -f "$pom" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" \
      -Dmaven.wagon.http.retryHandler.count=3 >"$dest/mvn.log" 2>&1; do
    if [ "$attempt" -ge 3 ]; then
      cat "$dest/mvn.log" >&2
      die "could not fetch the Kafka jars (see above)"
    fi
    attempt=$((attempt + 1))
    log "Maven failed; trying again ($attempt/3)"
    sleep $((attempt * 5))
  done
  [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || die "Maven finished but $tmp has no kafka_2.13-$KAFKA_VERSION.jar"
  mv "$tmp" "$KAFKA_LIB"
  echo "$stamp" >"$dest/.complete"
fi
