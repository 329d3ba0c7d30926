#!/usr/bin/env bash
# Scaling run for the 16-core device machine (one prepared script: see ../.library/device). Needs a
# ramiel binary built here (build/ramiel) and its Debian shared libraries packed in
# .devlibs.tar.xz (both carried); generates the zoo there with the machine's own torch, then times
# ramiel (serial vs hybrid plan, one process, alternating) and ONNX Runtime (Python package) at
# P = 1, 2, 4, 8, 16 threads. Writes $OUT/scaling.jsonl (one JSON object per measurement).
#
#   bash bench/device_scaling.sh [--repeat N] [MODEL...]
set -uo pipefail
repeat=10
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(googlenet inception_v3 resnet50 squeezenet1_0 mobilenet_v2 bert)
out=${OUT:-/tmp/scaling}
mkdir -p "$out"
log="$out/scaling.jsonl"
: >"$log"
mkdir -p /tmp/devlibs && tar -xJf .devlibs.tar.xz -C /tmp
export LD_LIBRARY_PATH=/tmp/devlibs
ramiel=build/ramiel
ldd "$ramiel" | grep "not found" && exit 1
{ nproc; lscpu | grep -E "Model name|^CPU\(s\)|Thread|Socket"; grep -o -m1 "avx512f" /proc/cpuinfo; } | tee "$out/machine.txt"
for m in "${models[@]}"; do
  PYTHONUNBUFFERED=1 timeout 240 python3 models/zoo.py --out models/cache "$m" 2>&1 | tail -2
done
for m in "${models[@]}"; do
  dir=models/cache/$m
  [[ -f $dir/model.onnx ]] || { echo "$m: not generated"; continue; }
  for p in 2 4 8 16; do
    j=$(timeout 300 "$ramiel" bench "$dir/model.onnx" --threads "$p" --repeat "$repeat" --inputs "$dir/test_data_set_0" --compare --json 2>"$out/err.txt")
    [[ -n "$j" ]] || tail -3 "$out/err.txt"
    echo "{\"tool\":\"ramiel\",\"model\":\"$m\",\"threads\":$p,\"result\":${j:-null}}" | tee -a "$log"
  done
  for p in 1 2 4 8 16; do
    j=$(timeout 120 python3 bench/peers/ort_bench.py "$dir/model.onnx" --inputs "$dir/test_data_set_0" --threads "$p" --repeat "$repeat" --json 2>"$out/err.txt")
    [[ -n "$j" ]] || tail -3 "$out/err.txt"
    echo "{\"tool\":\"ort\",\"model\":\"$m\",\"threads\":$p,\"result\":${j:-null}}" | tee -a "$log"
  done
done
