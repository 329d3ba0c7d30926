#!/usr/bin/env bash
# The main job: install, build, generate GoogLeNet, then show what ramiel makes of it: the model's
# parallelism, the parallel plan (Gantt chart), and serial vs parallel latency.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-googlenet}
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" "$root/build"
bash "$root/scripts/zoo.sh" "$model"
onnx="$root/models/cache/$model/model.onnx"
mkdir -p "$root/build/demo"
"$root/build/ramiel" info "$onnx"
"$root/build/ramiel" compile "$onnx" --costs measured --gantt "$root/build/demo/$model.svg" -o "$root/build/demo/$model.plan.json"
echo "plan Gantt chart: build/demo/$model.svg   plan: build/demo/$model.plan.json"
"$root/build/ramiel" bench "$onnx" --compare --inputs "$root/models/cache/$model/test_data_set_0"
