#!/bin/sh
# Runs a command inside a private D-Bus session with a throwaway, unlocked gnome-keyring, so keychain
# tests use the real Secret Service without touching the user's own keyring. Used by CI and developers.
#   scripts/with-keyring.sh <command> [args...]
set -eu
if [ "${CS_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
KR=$(mktemp -d "${KEYRING_TMP:-${TMPDIR:-/tmp}/cs-keyring}.XXXXXX")
mkdir -p "$KR/run" "$KR/data" "$KR/config" "$KR/cache" && chmod 700 "$KR" "$KR/run"
trap 'rm -rf "$KR"' EXIT INT TERM
export XDG_DATA_HOME="$KR/data" XDG_RUNTIME_DIR="$KR/run" XDG_CONFIG_HOME="$KR/config" XDG_CACHE_HOME="$KR/cache"
export CS_IN_KEYRING=1 CS_KEYRING_PASSWORD="${KEYRING_PASSWORD:-throwaway-test-keyring}"
dbus-run-session -- sh -c 'printf "%s" "$CS_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
