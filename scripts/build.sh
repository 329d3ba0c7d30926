#!/usr/bin/env bash
# Configures and builds ramiel. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# The default build dir is build/ (the README promises build/ramiel).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$dir" -- -j"$(nproc)"
