#!/usr/bin/env bash
# The seed demo of the 2015 talk, on the embedded log, through the CLI: the
# cluster is applied as events, folded, compiled per host, and its reachability
# shown by both engines (the emitted nftables run by the interpreter, and the
# reference semantics) before and after the policy change that opens A → C.
# (Real kernels, BIRD and packets arrive with the applier: see the README.)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/foldnet-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export FOLDNET_LOG="file:$dir/log.db" FOLDNET_ACTOR="demo"
fn() { node dist/src/cli/main.js "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "foldnet apply -f fixtures/seed-demo.yaml"
fn apply -f fixtures/seed-demo.yaml
say "foldnet get wep -n demo"
fn get wep -n demo
say "foldnet compile --host host-1 -o routes"
fn compile --host host-1 -o routes
say "foldnet compile --host host-1 -o nft   (first 40 lines)"
fn compile --host host-1 -o nft | head -n 40
say "foldnet reachability --protocol TCP --port 80   (compiled nftables, interpreted)"
fn reachability --protocol TCP --port 80
say "foldnet reachability --protocol TCP --port 80 --engine reference"
fn reachability --protocol TCP --port 80 --engine reference
say "policy change: foldnet apply -f fixtures/seed-demo-open-a-to-c.yaml"
fn apply -f fixtures/seed-demo-open-a-to-c.yaml
say "foldnet reachability --protocol TCP --port 80"
fn reachability --protocol TCP --port 80
say "foldnet reachability --protocol TCP --port 443   (the change opened port 80 only)"
fn reachability --protocol TCP --port 443
say "foldnet trace --from demo/a --to demo/c --protocol TCP --port 80"
fn trace --from demo/a --to demo/c --protocol TCP --port 80 || true
say "foldnet trace --from demo/a --to demo/c --protocol TCP --port 80 --at 9   (before the change)"
fn trace --from demo/a --to demo/c --protocol TCP --port 80 --at 9 || true
say "foldnet log"
fn log
