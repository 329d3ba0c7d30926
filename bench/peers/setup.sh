#!/bin/sh
# Install the peer runtimes used by bench/peers: ONNX Runtime for Node, and an optimised BLAS for
# PyTorch (torch_bench.py). Idempotent and quiet when already installed.
#
# --ignore-scripts: onnxruntime-node's install script downloads CUDA provider
# files from outside the npm registry, which is neither needed (the CPU
# binding ships inside the npm package) nor reachable here.
#
# Debian's python3-torch runs its matrix products (and 1x1 convolutions on one thread) on the
# system BLAS, the reference one unless another is installed: several times slower than PyTorch
# as users run it. libopenblas0-openmp becomes the system BLAS (update-alternatives) when root can
# install it; otherwise torch_bench.py times PyTorch on the BLAS there is.
set -eu
cd "$(dirname "$0")"
if /usr/bin/python3 -c "import torch" >/dev/null 2>&1 && ! dpkg -s libopenblas0-openmp >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench/peers: installing libopenblas0-openmp (PyTorch's BLAS) ..." >&2
        apt-get install -y -q libopenblas0-openmp >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q libopenblas0-openmp >/dev/null 2>&1; } ||
            echo "bench/peers: could not install libopenblas0-openmp: PyTorch runs on the reference BLAS" >&2
    else
        echo "bench/peers: PyTorch runs on the reference BLAS here (install libopenblas0-openmp as root)" >&2
    fi
fi
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
