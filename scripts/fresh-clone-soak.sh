#!/usr/bin/env bash
# Issue 19's check of the README's second command: one fresh clone of HEAD, `npm install`, `npm start`,
# then `npm test` QUIET times in a row (default 20) and HOGS times beside two CPU-burning processes
# (default 10), nothing retried; one line per run in OUT/summary (default /tmp/fresh-clone-soak).
# Usage: scripts/fresh-clone-soak.sh [QUIET] [HOGS] [OUT]   (takes about an hour with the defaults)
set -u
quiet=${1:-20}; hogs=${2:-10}; out=${3:-/tmp/fresh-clone-soak}
top=$(git rev-parse --show-toplevel) || exit 2
rm -rf "$out"; mkdir -p "$out"
git clone -q "$top" "$out/p" && cd "$out/p" || exit 2
echo "commit $(git rev-parse --short HEAD)" | tee "$out/summary"
t0=$SECONDS; npm install --no-audit --no-fund > "$out/install.log" 2>&1
echo "install rc=$? $((SECONDS - t0)) s" | tee -a "$out/summary"
t0=$SECONDS; timeout 300 npm start > "$out/start.log" 2>&1
echo "start rc=$? $((SECONDS - t0)) s" | tee -a "$out/summary"
run() {
  local name=$1 t0=$SECONDS rc
  timeout 900 npm test > "$out/$name.log" 2>&1; rc=$?
  echo "$name rc=$rc $((SECONDS - t0)) s $(grep -E '^ +Tests ' "$out/$name.log" | tr -s ' ')" | tee -a "$out/summary"
}
for i in $(seq 1 "$quiet"); do run "quiet-$i"; done
for i in $(seq 1 "$hogs"); do
  node -e 'for(;;){}' & h1=$!
  node -e 'for(;;){}' & h2=$!
  run "hogs-$i"
  kill "$h1" "$h2"; wait "$h1" "$h2" 2>/dev/null
done
echo "failed: $(grep -c ' rc=[1-9]' "$out/summary")" | tee -a "$out/summary"
