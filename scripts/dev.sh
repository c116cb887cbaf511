#!/usr/bin/env bash
# One entry point for humans and CI: installs what is missing (Debian 12 packages only), builds, then either runs
# the demo or the whole test suite through ctest. Safe to run again: installs and builds only what changed.
#
#   scripts/dev.sh demo [demo options]   build and run the demo: kubelb-console --demo with a display, else
#                                        `kubelb-syncd demo` (Ctrl-C stops it)
#   scripts/dev.sh test [ctest options]  build and run every test suite (ctest -L/-LE to select labels)
#   scripts/dev.sh build                 install and build only
#   scripts/dev.sh sanitize [asan|tsan]  second CI stage: ASan+UBSan build + whole suite, TSan build + runtime and
#                                        API server suites (build-asan/, build-tsan/; docs/testing.md)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${KUBELB_BUILD_DIR:-$root/build}
command=${1:-}
[ $# -gt 0 ] && shift

packages=(
    build-essential cmake ninja-build ccache pkg-config git clang-format
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6sql6-sqlite qtkeychain-qt6-dev
    libyaml-cpp-dev prometheus-cpp-dev libssl-dev
    xvfb xauth gnome-keyring dbus dbus-x11 procps
    dpkg-dev desktop-file-utils appstream
    # fuzzing (libFuzzer) needs clang and its runtime libraries
    clang libclang-rt-14-dev
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # Debian's kubernetes-client provides kubectl where the machine has none of its own.
    command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing: ${missing[*]}"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

build_project() {
    local type=${KUBELB_BUILD_TYPE:-RelWithDebInfo}
    # Let ccache share objects between clones in different folders (CI builds a fresh clone every time).
    export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
    if [ ! -f "$build/build.ninja" ]; then
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$type" ${KUBELB_CMAKE_ARGS:-}
    fi
    echo "==> building in $build"
    cmake --build "$build" --parallel "$(nproc)"
}

case "$command" in
demo)
    install_packages
    build_project
    # With a display and a built console (and no demo options), the demo opens in kubelb-console.
    if [ $# -eq 0 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/kubelb-console" ]; then
        exec "$build/app/kubelb-console" --demo --demo-dir "${KUBELB_DEMO_DIR:-$build/demo}"
    fi
    exec "$build/headless/kubelb-syncd" demo --data-dir "${KUBELB_DEMO_DIR:-$build/demo}" "$@"
    ;;
test)
    install_packages
    build_project
    cd "$build"
    run=(ctest --output-on-failure --parallel "$(nproc)" --timeout 900 "$@")
    # The keychain suite needs a Secret Service: scripts/with-keyring.sh gives it a private one.
    exec "$root/scripts/with-keyring.sh" "${run[@]}"
    ;;
build)
    install_packages
    build_project
    ;;
sanitize)
    install_packages
    exec "$root/scripts/sanitize.sh" "$@"
    ;;
*)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
