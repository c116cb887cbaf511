#!/usr/bin/env bash
# Builds every benchmark in Release and runs them one after the other on this machine, then writes
# bench/results.json and regenerates BENCHMARKS.md:
#   1. apiserver_bench     the embedded API server: writes/s, list latency, watch fan-out (in memory and SQLite)
#   2. propagation_bench   the SyncSecret controllers as real processes: propagation vs. the write floor, API calls
#                          per SyncSecret, writes per resync, update latency, the Manager's memory
#   3. console_models_bench  lineage build and filter keystroke of the console models, when that target exists
#
#   bench/run.sh                                   everything (about 15–25 minutes on 2 busy cores)
#   bench/run.sh --no-build                        use <build dir> as configured (see KUBELB_BENCH_BUILD_DIR)
#   bench/run.sh --only propagation                one benchmark (apiserver, propagation, console); the others keep
#                                                  their previous results in bench/results.json
#   KUBELB_BENCH_APISERVER_ARGS="--repeat 1 --objects 5000" KUBELB_BENCH_PROPAGATION_ARGS="--sizes 1000
#       --memory-sizes 10000" bench/run.sh         a quick look
#
#   KUBELB_BENCH_BUILD_DIR  build directory (default: <repo>/build-release)
#   KUBELB_BENCH_JOBS       parallel compile jobs (default: 2)
#   KUBELB_BENCH_BUILD_TYPE CMake build type (default: Release; the report names the type used)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${KUBELB_BENCH_BUILD_DIR:-$root/build-release}
jobs=${KUBELB_BENCH_JOBS:-2}
results=$root/bench/results.json
work=$build/bench-work
only=all
build_first=true
while [ $# -gt 0 ]; do
    case "$1" in
    --only) only=$2; shift 2 ;;
    --no-build) build_first=false; shift ;;
    --only=*) only=${1#--only=}; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
wants() { [ "$only" = all ] || [ "$only" = "$1" ]; }

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
if $build_first; then
    echo "==> configuring and building (${KUBELB_BENCH_BUILD_TYPE:-Release}) in $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${KUBELB_BENCH_BUILD_TYPE:-Release}" -DKUBELB_BUILD_GUI=OFF \
        -DKUBELB_BUILD_TESTS=OFF -DKUBELB_BUILD_BENCH=ON >/dev/null
fi
# Without --no-build this only confirms the targets are current; with it, it builds them in the existing
# configuration (a reconfigure after a commit changes KUBELB_GIT_HASH on every target, i.e. a full rebuild).
cmake --build "$build" --parallel "$jobs" --target apiserver_bench propagation_bench kubelb-syncd
console_built=false
if wants console && cmake --build "$build" --parallel "$jobs" --target console_models_bench >"$build/console-build.log" 2>&1; then
    console_built=true
fi

rm -rf "$work"
mkdir -p "$work"
# The load average every 10 s while the benchmarks run: the machine is shared, and the report says how busy it was.
(while :; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done) >"$work/load.txt" &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
status=0
if wants apiserver; then
    # 3 runs per mode (apiserver_bench's default is 5) keep the whole run under ~25 minutes on 2 shared cores.
    apiserver_args=${KUBELB_BENCH_APISERVER_ARGS:---repeat 3}
    echo "==> apiserver_bench $apiserver_args (server stderr: $work/server.log)"
    # shellcheck disable=SC2086 # the variable holds several arguments
    "$build/bench/apiserver_bench" --server "$build/headless/kubelb-syncd" --work-dir "$work/apiserver" \
        --json "$work/apiserver.json" $apiserver_args 2>"$work/server.log" || status=1
fi
if wants propagation; then
    echo "==> propagation_bench ${KUBELB_BENCH_PROPAGATION_ARGS:-} (logs: $work/propagation)"
    # shellcheck disable=SC2086
    "$build/bench/propagation_bench" --syncd "$build/headless/kubelb-syncd" --work-dir "$work/propagation" \
        --json "$work/propagation.json" ${KUBELB_BENCH_PROPAGATION_ARGS:-} 2>"$work/propagation-servers.log" || status=1
fi
if wants console; then
    if $console_built; then
        # Three runs (one takes seconds); the report keeps the median by lineage + model time and lists all.
        runs=${KUBELB_BENCH_CONSOLE_RUNS:-3}
        echo "==> console_models_bench x$runs"
        for i in $(seq "$runs"); do
            "$build/bench/console_models_bench" >"$work/console-$i.json" 2>>"$work/console.log" || status=1
        done
        python3 - "$work" "$runs" <<'PY' || status=1
import json, sys
work, runs = sys.argv[1], int(sys.argv[2])
results = [json.load(open(f"{work}/console-{i}.json")) for i in range(1, runs + 1)]
ordered = sorted(results, key=lambda r: r["lineagePlusModelMs"])
median = dict(ordered[len(ordered) // 2])
median["runs"] = [{k: r[k] for k in ("lineagePlusModelMs", "buildLineageMs", "modelBuildMs",
                                     "filterKeystrokeWorstMs", "loadAverage")} for r in results]
json.dump(median, open(f"{work}/console.json", "w"), indent=1)
PY
    else
        echo "==> console_models_bench: not built (see $build/console-build.log)"
    fi
fi
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
kill $sampler 2>/dev/null || true

echo "==> writing $results and $root/BENCHMARKS.md"
python3 "$root/bench/render_benchmarks.py" --results "$results" --out "$root/BENCHMARKS.md" --build "$build" \
    --repo "$root" --started "$started" --load-before "$load_before" --finished "$finished" --load-after "$load_after" \
    --load-samples "$work/load.txt" --apiserver "$work/apiserver.json" --propagation "$work/propagation.json" \
    --console "$work/console.json" --console-built "$console_built" --only "$only"
exit $status
