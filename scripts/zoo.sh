#!/usr/bin/env bash
# Generates the model zoo into models/cache (only models that are missing). Usage: scripts/zoo.sh [NAME...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
/usr/bin/python3 "$root/models/zoo.py" --out "$root/models/cache" "$@"
