#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the tests need (run as root). Idempotent: installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  libsecret-1-dev gnome-keyring dbus dbus-x11 libglib2.0-bin  # keytar build + a real Secret Service
  chromium xvfb                                             # end-to-end tests in Debian's Chromium
  python3 python3-bcrypt python3-cryptography python3-argon2 python3-dotenv  # interop peers
  argon2                                                    # reference argon2 for benchmarks
  postgresql                                                # throwaway cluster for re-encryption tests
  nginx-light caddy openssl                                 # reverse-proxy config validation
  age                                                       # reference age: decrypts the encrypted database dumps
  openssh-server openssh-client                             # SSH deployment host tests (own sshd on loopback)
  docker-compose                                            # real Compose v1, which the app detects and refuses to drive
  debootstrap redis-server util-linux                       # live test bed: Debian 13 tree for the real API, Redis, unshare
  g++ make git
)
need=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# The live test bed's Debian 13 Python tree, where the real Crucible API runs (scripts/testbed/README in
# docs/testing-live.md). Built once per machine (about a minute) and cached; a second run returns at once.
"$(dirname "$0")/testbed/build-tree.sh"
