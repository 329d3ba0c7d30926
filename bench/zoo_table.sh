#!/usr/bin/env bash
# The README's results table: for each zoo model, ramiel serial and parallel with the hybrid plan
# (P threads, one process, alternating runs, `bench --compare`: also the plan without slices; then
# the plan and the serial order with oneDNN's own OpenMP threading in blocks, as `run --threading
# auto` compares them, "auto" being the faster), the plan's predicted speedup, and ONNX Runtime with
# 1 and P intra-op threads. ramiel and ONNX Runtime alternate: ROUNDS rounds of (ramiel, ORT 1
# thread, ORT P threads, PyTorch) per model, each figure the median over the rounds of its
# per-process median. PyTorch (bench/peers/torch_bench.py: the zoo's module with the zoo's weights,
# 1 and P threads in one process, the faster of eager and TorchScript-frozen) where /usr/bin/python3
# has torch, unless --no-torch.
#
#   bench/zoo_table.sh [--threads P] [--repeat N] [--rounds R] [--no-torch] [MODEL...]   (default P=2, N=20, R=3, every zoo model)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=2
repeat=20
rounds=3
torch=1
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-torch) torch=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "zoo_table.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(squeezenet1_0 googlenet inception_v3 resnet50 mobilenet_v2 bert)
ramiel="$root/build/ramiel"
if [[ $torch == 1 ]] && ! /usr/bin/python3 -c "import torch" >/dev/null 2>&1; then
  echo "zoo_table.sh: /usr/bin/python3 has no torch: PyTorch columns n/a" >&2
  torch=0
fi
bash "$root/bench/peers/setup.sh"
last_json() { /usr/bin/python3 -c "import sys; print(sys.stdin.read().strip().splitlines()[-1])"; }

printf '| model | ramiel serial (ms) | ramiel P=%s hybrid (ms) | speedup | predicted | branches only (ms) | plan, in blocks (ms) | oneDNN OpenMP %s threads, in blocks (ms) | ramiel auto (ms) | ORT 1 thread (ms) | ORT %s threads (ms) | hybrid / ORT %s | auto / ORT %s | PyTorch 1 thread (ms) | PyTorch %s threads (ms) | auto / PyTorch %s |\n' \
  "$threads" "$threads" "$threads" "$threads" "$threads" "$threads" "$threads"
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for m in "${models[@]}"; do
  dir="$root/models/cache/$m"
  rows=()
  for ((r = 0; r < rounds; r++)); do
    j=$("$ramiel" bench "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --compare --json 2>/dev/null | last_json)
    o1=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads 1 --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | last_json)
    o2=$(node "$root/bench/peers/ort_bench.js" "$dir/model.onnx" --threads "$threads" --repeat "$repeat" --inputs "$dir/test_data_set_0" --json | last_json)
    t=null
    if [[ $torch == 1 ]]; then
      t=$(/usr/bin/python3 "$root/bench/peers/torch_bench.py" "$m" --threads "1,$threads" --repeat "$repeat" --json | last_json)
    fi
    rows+=("{\"ramiel\": $j, \"ort1\": $o1, \"ort2\": $o2, \"torch\": $t}")
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
torch = 'n/a | n/a | n/a'
if rounds[0]['torch'] is not None:
    t1, t2 = med(lambda r: r['torch']['threads']['1']['best_ms']), med(lambda r: r['torch']['threads']['$threads']['best_ms'])
    torch = '%.2f | %.2f | %.2f' % (t1, t2, best / t2)
print('| $m | %.2f | %.2f | %.2fx | %.2fx | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |' % (s, p, s / p, pred, branch, block, omp, best, o1, o2, p / o2, best / o2, torch))"
done
