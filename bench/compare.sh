#!/usr/bin/env bash
# ramiel's serial latency against ONNX Runtime with one thread, model by model, in the same run.
#
#   bench/compare.sh [--repeat N] [--rounds R] [--build DIR] [MODEL...]
#
# MODEL is a zoo name (models/cache/NAME/model.onnx) or a path to a .onnx file; default: every
# model in models/cache. For each model the two runtimes are timed alternately R times (default
# 2), each time as the median of N runs (default 20) after warm-up; the best median of each
# runtime is reported, which damps noise from other processes on the machine. Both use the
# model's test_data_set_0 inputs when present, random inputs otherwise.
# Needs: a built `ramiel` (default build/, or --build DIR) and bench/peers/setup.sh (ONNX Runtime).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repeat=20
rounds=2
build="$root/build"
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
ramiel="$build/ramiel"
[[ -x "$ramiel" ]] || { echo "compare.sh: no ramiel binary at $ramiel (build first, or --build DIR)" >&2; exit 1; }
bash "$root/bench/peers/setup.sh"
if [[ ${#models[@]} -eq 0 ]]; then
  for d in "$root"/models/cache/*/; do [[ -f "$d/model.onnx" ]] && models+=("$(basename "$d")"); done
fi
[[ ${#models[@]} -gt 0 ]] || { echo "compare.sh: no models (generate them: scripts/zoo.sh)" >&2; exit 1; }

# ramiel bench --json reports the serial median as "serial_ms", ort_bench.js as "median_ms".
median_of() { sed -n 's/.*"\(serial_ms\|median_ms\)":\([0-9.eE+-]*\).*/\2/p'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
printf '%-16s %14s %14s %8s\n' model "ramiel ms" "ORT-1t ms" ratio
for m in "${models[@]}"; do
  file=$m
  [[ -f "$file" ]] || file="$root/models/cache/$m/model.onnx"
  name=$(basename "$(dirname "$file")")
  inputs=()
  [[ -f "$(dirname "$file")/test_data_set_0/input_0.pb" ]] && inputs=(--inputs "$(dirname "$file")/test_data_set_0")
  best_r="" best_o=""
  for ((i = 0; i < rounds; i++)); do
    r=$("$ramiel" bench "$file" --threads 1 --repeat "$repeat" --json "${inputs[@]}" 2>"$log" | median_of) || true
    [[ -n "$r" ]] || { echo "compare.sh: ramiel bench failed on $file:" >&2; cat "$log" >&2; exit 1; }
    o=$(node "$root/bench/peers/ort_bench.js" "$file" --threads 1 --repeat "$repeat" --json "${inputs[@]}" 2>"$log" | median_of) || true
    [[ -n "$o" ]] || { echo "compare.sh: ort_bench failed on $file:" >&2; cat "$log" >&2; exit 1; }
    best_r=$(min "$best_r" "$r")
    best_o=$(min "$best_o" "$o")
  done
  awk -v n="$name" -v r="$best_r" -v o="$best_o" 'BEGIN { printf "%-16s %14.2f %14.2f %7.2fx\n", n, r, o, r / o }'
done
