#!/usr/bin/env bash
# Builds the API server benchmark in Release, runs it against a real `kubelb-syncd apiserver` process (in memory,
# then with SQLite), writes bench/results.json and regenerates BENCHMARKS.md. Extra arguments go to apiserver_bench,
# e.g. `bench/run.sh --repeat 5` or `bench/run.sh --objects 5000 --modes memory` for a quick look.
#
#   KUBELB_BENCH_BUILD_DIR  build directory (default: <repo>/build-release)
#   KUBELB_BENCH_JOBS       parallel compile jobs (default: 2)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${KUBELB_BENCH_BUILD_DIR:-$root/build-release}
jobs=${KUBELB_BENCH_JOBS:-2}
results=$root/bench/results.json
work=$build/bench-work

echo "==> configuring and building (Release) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKUBELB_BUILD_GUI=OFF -DKUBELB_BUILD_TESTS=OFF \
    -DKUBELB_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --parallel "$jobs" --target apiserver_bench kubelb-syncd

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rm -rf "$work"
mkdir -p "$work"
echo "==> running apiserver_bench $* (server stderr: $work/server.log)"
set +e
"$build/bench/apiserver_bench" --server "$build/headless/kubelb-syncd" --work-dir "$work" --json "$results.tmp" \
    "$@" 2>"$work/server.log"
status=$?
set -e
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [ ! -s "$results.tmp" ]; then
    echo "apiserver_bench wrote no results (exit $status); see $work/server.log" >&2
    exit 1
fi
mv "$results.tmp" "$results"

echo "==> writing $results and $root/BENCHMARKS.md"
python3 "$root/bench/render_benchmarks.py" --results "$results" --out "$root/BENCHMARKS.md" --build "$build" \
    --repo "$root" --started "$started" --load-before "$load_before" --finished "$finished" --load-after "$load_after"
exit $status
