#!/usr/bin/env bash
# Runs a command (a ctest run) with a Secret Service for the keychain suite: a private session bus with
# gnome-keyring whose throwaway login keyring lives in its own data dir (a developer's keyring is never touched).
# gnome-keyring creates the login collection only for a non-empty password. Without dbus-run-session or
# gnome-keyring-daemon the command runs as is and the keychain suite skips and says why.
# Used by scripts/dev.sh test and scripts/sanitize.sh.
set -euo pipefail

if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
    keyring=$(mktemp -d)
    trap 'rm -rf "$keyring"' EXIT
    dbus-run-session -- sh -c 'printf kubelb-test | XDG_DATA_HOME="$1" gnome-keyring-daemon --unlock \
        --components=secrets >/dev/null && shift && exec "$@"' sh "$keyring" "$@"
else
    exec "$@"
fi
