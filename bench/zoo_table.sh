#!/usr/bin/env bash
# The README's results table: for each zoo model, ramiel serial and parallel with the hybrid plan
# (P threads, one process, alternating runs, `bench --compare`: also the plan without slices and
# the serial order with oneDNN's own OpenMP threading), the plan's predicted speedup, and ONNX
# Runtime with 1 and P intra-op threads, all in one run of this script.
#
#   bench/zoo_table.sh [--threads P] [--repeat N] [MODEL...]     (default P=2, N=20, every zoo model)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=2
repeat=20
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "zoo_table.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(squeezenet1_0 googlenet inception_v3 resnet50 mobilenet_v2 bert)
ramiel="$root/build/ramiel"
bash "$root/bench/peers/setup.sh"
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

printf '| model | ramiel serial (ms) | ramiel P=%s hybrid (ms) | speedup | predicted | branches only (ms) | oneDNN OpenMP %s threads (ms) | ORT 1 thread (ms) | ORT %s threads (ms) | ramiel P=%s / ORT %s threads |\n' \
  "$threads" "$threads" "$threads" "$threads" "$threads"
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for m in "${models[@]}"; do
  dir="$root/models/cache/$m"
  j=$("$ramiel" bench "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --compare --json 2>/dev/null)
  o1=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads 1 --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | field median_ms)
  o2=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | field median_ms)
  echo "$j" | /usr/bin/python3 -c "
import json, sys
j = json.loads(sys.stdin.read().strip().splitlines()[-1])
s, p, o1, o2 = j['serial_ms'], j['parallel_ms'], $o1, $o2
pred = j['predicted_serial_ms'] / j['predicted_ms']
print('| $m | %.2f | %.2f | %.2fx | %.2fx | %.2f | %.2f | %.2f | %.2f | %.2f |' % (s, p, s / p, pred, j['branch_ms'], j['omp_ms'], o1, o2, p / o2))"
done
