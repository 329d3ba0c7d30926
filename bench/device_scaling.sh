#!/usr/bin/env bash
# Scaling run for the 16-core device machine (one prepared script: see ../.library/device). Needs a
# ramiel build made here (build/ramiel, build/bench/session/session_variants_bench) and its Debian
# shared libraries packed by `bash bench/device_scaling.sh --pack` into .devlibs.tar.xz (carry it,
# build/ramiel and build/bench/session/session_variants_bench). There it generates the zoo with the machine's own torch (all models at once), then
# times ramiel (`bench --compare`: serial, hybrid plan, plan without slices, oneDNN OpenMP, auto; one
# process, alternating) and ONNX Runtime (Python package) at P = 1, 2, 4, 8, 16 threads, then the
# serial session variants (packed GEMM and Winograd against oneDNN; oneDNN capped at AVX2 so that
# ramiel's AVX2 Winograd kernels run). Every result is appended to $OUT as it comes, so a run cut
# short still returns what it measured.
#
#   bash bench/device_scaling.sh --pack                 (here: copy the shared libraries)
#   bash bench/device_scaling.sh [--repeat N] [MODEL...] (there)
set -uo pipefail
repeat=10
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pack)
      rm -rf .devlibs && mkdir -p .devlibs
      # Debian's libraries that the device image lacks; its own glibc and libstdc++ are newer and stay.
      ldd build/ramiel | awk '/=> \//{print $3}' | grep -v -E 'lib(c|m|gcc_s|stdc\+\+)\.so' |
        while read -r lib; do cp -L "$lib" .devlibs/; done
      tar -cJf .devlibs.tar.xz .devlibs && rm -rf .devlibs
      grep -q '^/.devlibs' .git/info/exclude 2>/dev/null || echo '/.devlibs*' >>.git/info/exclude
      ls -la .devlibs.tar.xz; exit 0 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(googlenet inception_v3 resnet50 squeezenet1_0 mobilenet_v2 bert)
out=${OUT:-/tmp/scaling}
mkdir -p "$out"
log="$out/scaling.jsonl"
: >"$log"
tar -xJf .devlibs.tar.xz
lib=$(pwd)/.devlibs
ramiel=(env LD_LIBRARY_PATH="$lib" build/ramiel)  # an array, not a function: timeout runs it
LD_LIBRARY_PATH=$lib ldd build/ramiel | grep "not found" && exit 1
{ nproc; lscpu | grep -E "Model name|^CPU\(s\)|Thread|Socket|L2|L3"; grep -o -m1 "avx512f" /proc/cpuinfo; } | tee "$out/machine.txt"
start=$SECONDS
for m in "${models[@]}"; do
  PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2 timeout 240 python3 models/zoo.py --out models/cache "$m" >"$out/zoo_$m.txt" 2>&1 &
done
wait
echo "zoo generated in $((SECONDS - start)) s"
for m in "${models[@]}"; do
  dir=models/cache/$m
  [[ -f $dir/model.onnx ]] || { echo "$m: not generated"; tail -3 "$out/zoo_$m.txt"; continue; }
  for p in 2 4 8 16; do
    j=$(timeout 300 "${ramiel[@]}" bench "$dir/model.onnx" --threads "$p" --repeat "$repeat" --inputs "$dir/test_data_set_0" --compare --json 2>"$out/err.txt" | tail -1)
    [[ -n "$j" ]] || tail -3 "$out/err.txt"
    echo "{\"tool\":\"ramiel\",\"model\":\"$m\",\"threads\":$p,\"result\":${j:-null}}" | tee -a "$log"
  done
  for p in 1 2 4 8 16; do
    j=$(timeout 120 python3 bench/peers/ort_bench.py "$dir/model.onnx" --inputs "$dir/test_data_set_0" --threads "$p" --repeat "$repeat" --json 2>"$out/err.txt")
    [[ -n "$j" ]] || tail -3 "$out/err.txt"
    echo "{\"tool\":\"ort\",\"model\":\"$m\",\"threads\":$p,\"result\":${j:-null}}" | tee -a "$log"
  done
  echo "$m done at $((SECONDS - start)) s"
done
variants=build/bench/session/session_variants_bench
dirs=(); for m in "${models[@]}"; do [[ -f models/cache/$m/model.onnx ]] && dirs+=("models/cache/$m"); done
LD_LIBRARY_PATH=$lib timeout 150 $variants "${dirs[@]}" --repeat 5 2>&1 | tee "$out/variants_default.md"
LD_LIBRARY_PATH=$lib ONEDNN_MAX_CPU_ISA=AVX2 timeout 150 $variants "${dirs[@]}" --repeat 5 2>&1 | tee "$out/variants_avx2.md"
echo "finished in $((SECONDS - start)) s"
