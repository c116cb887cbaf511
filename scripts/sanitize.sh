#!/usr/bin/env bash
# The sanitizer stage (scripts/dev.sh sanitize [asan|tsan]), the second CI stage: builds with sanitizers in their own
# build directories and runs suites under them (docs/testing.md, "Sanitizers").
#   asan: -fsanitize=address,undefined with the console (GUI suites run offscreen), then every ctest suite except
#         label fuzz (the fuzz targets are ASan+UBSan libFuzzer builds of their own), e2e and chaos included
#   tsan: -fsanitize=thread, the controller runtime, work queue and API server suites ($tsan_suites)
# Every process the suites start (the tests, kubelb-syncd, kubelb-syncctl, helpers) writes its sanitizer reports to
# <build>/sanitizer-reports/; the stage fails when a test fails or when that directory holds any report, so a green
# stage means zero reports, also from child processes whose crash a test might tolerate.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
which=${1:-all}
jobs=$(nproc)
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

# The TSan gate: the controller runtime (informer, controller, work queue, rate limiter, manager, leader election,
# REST metrics, logging) and the API server's suites (store/registry, HTTP API, faults, security, bad input, ...).
tsan_suites=(
    tst_workqueue tst_ratelimiter tst_controller tst_informer tst_manager tst_leaderelection tst_restmetrics
    tst_logging
    tst_store tst_registry tst_patch tst_validation tst_schema tst_pki tst_protobuf tst_rbac tst_httpapi tst_faults
    tst_security tst_badinput
)

configure() { # dir sanitizers
    if [ ! -f "$1/build.ninja" ]; then
        cmake -S "$root" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
            -DKUBELB_BUILD_GUI=ON -DKUBELB_BUILD_BENCH=OFF "-DKUBELB_SANITIZE=$2"
    fi
}

# Fails when the run left any sanitizer report behind, and prints them.
check_reports() { # reports-dir test-status
    local dir=$1 status=$2 files
    files=$(find "$dir" -type f | sort)
    if [ -n "$files" ]; then
        echo "==> sanitizer reports ($(echo "$files" | wc -l) files in $dir):"
        for f in $files; do
            echo "---- $f"
            cat "$f"
        done
        return 1
    fi
    echo "==> no sanitizer reports"
    return "$status"
}

run_asan() {
    local dir=${KUBELB_ASAN_BUILD_DIR:-$root/build-asan}
    configure "$dir" "address;undefined"
    echo "==> ASan+UBSan build in $dir"
    cmake --build "$dir" --parallel "$jobs"
    local reports=$dir/sanitizer-reports status=0
    rm -rf "$reports" && mkdir -p "$reports"
    # Per-suite timeouts are scaled for sanitizer builds in cmake/KubelbTargets.cmake; the keychain suite gets its
    # Secret Service from scripts/with-keyring.sh, as in scripts/dev.sh test. The e2e and chaos suites run one at a
    # time after the rest: each starts several instrumented servers and daemons, and two at once on two cores miss
    # their own deadlines (tst_syncctl's seeded SyncSecrets took more than 30 s to sync).
    export ASAN_OPTIONS=log_path=$reports/asan:detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
    export LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1
    # tst_packages is left out: the .deb built from instrumented binaries depends on libasan8, which the packaging
    # test rightly rejects; the normal test run covers it.
    # QtTest's own per-function watchdog (300 s) killed tst_steadystate's 1,000-SyncSecret test under ASan.
    export QTEST_FUNCTION_TIMEOUT=${QTEST_FUNCTION_TIMEOUT:-1500000}
    "$root/scripts/with-keyring.sh" ctest --test-dir "$dir" -LE "fuzz|e2e|chaos" --output-on-failure \
        --parallel "$jobs" || status=$?
    "$root/scripts/with-keyring.sh" ctest --test-dir "$dir" -L "e2e|chaos" -E "^tst_packages$" --output-on-failure \
        || status=$?
    check_reports "$reports" "$status"
}

run_tsan() {
    local dir=${KUBELB_TSAN_BUILD_DIR:-$root/build-tsan}
    configure "$dir" "thread"
    echo "==> TSan build in $dir"
    cmake --build "$dir" --parallel "$jobs" --target "${tsan_suites[@]}"
    local reports=$dir/sanitizer-reports status=0 pattern
    rm -rf "$reports" && mkdir -p "$reports"
    pattern="^($(IFS='|'; echo "${tsan_suites[*]}"))\$"
    TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$root/tests/sanitizers/tsan.supp:second_deadlock_stack=1:history_size=4:die_after_fork=0" \
        ctest --test-dir "$dir" -R "$pattern" --output-on-failure --parallel "$jobs" || status=$?
    check_reports "$reports" "$status"
}

case "$which" in
asan) run_asan ;;
tsan) run_tsan ;;
all)
    run_asan
    run_tsan
    ;;
*)
    echo "usage: scripts/dev.sh sanitize [asan|tsan]" >&2
    exit 2
    ;;
esac
