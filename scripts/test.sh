#!/usr/bin/env bash
# The one command that installs everything the tests need and runs them all,
# as root: the integration tests create network namespaces, load nft rulesets,
# run BIRD, and talk to a real Kafka broker and a real etcd on loopback, which
# this script fetches (Kafka's jars from Maven Central), starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash services/start.sh
trap 'bash services/stop.sh' EXIT
npm test
