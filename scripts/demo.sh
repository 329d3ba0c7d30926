#!/usr/bin/env bash
# The main job: install, build, generate GoogLeNet, and show what ramiel makes of it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-googlenet}
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" "$root/build"
bash "$root/scripts/zoo.sh" "$model"
"$root/build/ramiel" info "$root/models/cache/$model/model.onnx"
