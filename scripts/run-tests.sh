#!/usr/bin/env bash
# Runs every compiled test file with node's test runner. Node 20 takes no globs, so we list them.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files under dist/test" >&2; exit 1; fi
exec node --test --test-concurrency="${FOLDNET_TEST_CONCURRENCY:-2}" "${files[@]}"
