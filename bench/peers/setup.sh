#!/bin/sh
# Install the peer runtimes used by bench/peers (ONNX Runtime for Node).
# Idempotent and quiet when already installed.
#
# --ignore-scripts: onnxruntime-node's install script downloads CUDA provider
# files from outside the npm registry, which is neither needed (the CPU
# binding ships inside the npm package) nor reachable here.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/onnxruntime-node/package.json ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "bench/peers/setup.sh: npm not found (install nodejs and npm)" >&2
    exit 1
fi
echo "bench/peers: installing onnxruntime-node ..." >&2
if [ -f package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
else
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error
fi
