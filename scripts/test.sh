#!/usr/bin/env bash
# The one command that installs everything the tests need and runs them all
# (as root: the integration tests create network namespaces and load nft rulesets).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
