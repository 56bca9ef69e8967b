#!/usr/bin/env bash
# foldnet's main job on a fresh machine: set up, then run the seed demo cluster
# of the 2015 "Calico on CoreOS" talk on the embedded log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run demo --silent
