#!/usr/bin/env bash
# The README's results table: for each zoo model, ramiel serial and parallel with the hybrid plan
# (P threads, one process, alternating runs, `bench --compare`: also the plan without slices; then
# the plan and the serial order with oneDNN's own OpenMP threading in blocks, as `run --threading
# auto` compares them, "auto" being the faster), the plan's predicted speedup, and ONNX Runtime with
# 1 and P intra-op threads. ramiel and ONNX Runtime alternate: ROUNDS rounds of (ramiel, ORT 1
# thread, ORT P threads) per model, each figure the median over the rounds of its per-process median.
#
#   bench/zoo_table.sh [--threads P] [--repeat N] [--rounds R] [MODEL...]   (default P=2, N=20, R=3, every zoo model)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=2
repeat=20
rounds=3
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "zoo_table.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(squeezenet1_0 googlenet inception_v3 resnet50 mobilenet_v2 bert)
ramiel="$root/build/ramiel"
bash "$root/bench/peers/setup.sh"
last_json() { /usr/bin/python3 -c "import sys; print(sys.stdin.read().strip().splitlines()[-1])"; }

printf '| model | ramiel serial (ms) | ramiel P=%s hybrid (ms) | speedup | predicted | branches only (ms) | plan, in blocks (ms) | oneDNN OpenMP %s threads, in blocks (ms) | ramiel auto (ms) | ORT 1 thread (ms) | ORT %s threads (ms) | hybrid / ORT %s | auto / ORT %s |\n' \
  "$threads" "$threads" "$threads" "$threads" "$threads"
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for m in "${models[@]}"; do
  dir="$root/models/cache/$m"
  rows=()
  for ((r = 0; r < rounds; r++)); do
    j=$("$ramiel" bench "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --compare --json 2>/dev/null | last_json)
    o1=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads 1 --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | last_json)
    o2=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | last_json)
    rows+=("{\"ramiel\": $j, \"ort1\": $o1, \"ort2\": $o2}")
  done
  printf '%s\n' "${rows[@]}" | /usr/bin/python3 -c "
import json, statistics, sys
rounds = [json.loads(line) for line in sys.stdin if line.strip()]
med = lambda f: statistics.median(f(r) for r in rounds)
s, p = med(lambda r: r['ramiel']['serial_ms']), med(lambda r: r['ramiel']['parallel_ms'])
pred = med(lambda r: r['ramiel']['predicted_serial_ms'] / r['ramiel']['predicted_ms'])
branch, block, omp = med(lambda r: r['ramiel']['branch_ms']), med(lambda r: r['ramiel']['plan_block_ms']), med(lambda r: r['ramiel']['omp_ms'])
best = med(lambda r: r['ramiel']['best_ms'])
o1, o2 = med(lambda r: r['ort1']['median_ms']), med(lambda r: r['ort2']['median_ms'])
print('| $m | %.2f | %.2f | %.2fx | %.2fx | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |' % (s, p, s / p, pred, branch, block, omp, best, o1, o2, p / o2, best / o2))"
done
