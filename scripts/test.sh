#!/usr/bin/env bash
# The whole test suite: install, build, generate the zoo, run ctest.
# Usage: scripts/test.sh                 release build in build/, every test
#        scripts/test.sh --sanitize address   ASan+UBSan build in build-asan/
#        scripts/test.sh --sanitize thread    TSan build in build-tsan/ (threaded tests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=""
if [[ ${1:-} == --sanitize ]]; then sanitize=${2:?"--sanitize needs address or thread"}; fi

bash "$root/scripts/setup.sh"
bash "$root/scripts/zoo.sh"
case "$sanitize" in
  "")
    bash "$root/scripts/build.sh" "$root/build"
    cd "$root/build" && ctest --output-on-failure -j2
    ;;
  address)
    bash "$root/scripts/build.sh" "$root/build-asan" -DRAMIEL_SANITIZE=address
    # The full-size zoo runs are slow under ASan; every other test runs.
    cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 -LE slow
    ;;
  thread)
    # Only the tests labelled "threaded" run under TSan, so only their binaries are built.
    cmake -S "$root" -B "$root/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMIEL_SANITIZE=thread >/dev/null
    cmake --build "$root/build-tsan" --target threaded_tests -- -j"$(nproc)"
    cd "$root/build-tsan" && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j2 -L threaded
    ;;
  *) echo "test.sh: unknown sanitizer '$sanitize' (address or thread)" >&2; exit 2 ;;
esac
