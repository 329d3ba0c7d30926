#!/usr/bin/env bash
# Installs every Debian package ramiel needs to build, test and generate its model zoo.
# Idempotent: when everything is installed it only checks and returns (well under a second).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build make pkg-config
  # libraries
  libonnx-dev libprotobuf-dev protobuf-compiler libdnnl-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  # Debian's oneDNN is built with an OpenCL GPU runtime: its CMake config needs OpenCL's headers and
  # library (a Recommends of libdnnl-dev, which --no-install-recommends leaves out)
  ocl-icd-opencl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # ONNX's conformance cases (932 node tests)
  libonnx-testdata
  # model zoo export (run with /usr/bin/python3)
  python3 python3-torch python3-torchvision python3-onnx python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
