#!/usr/bin/env bash
# Builds the Debian 13 ("trixie") Python tree the live test bed runs the real Crucible API in
# (docs/testing-live.md). Debian 12's FastAPI/pydantic/SQLAlchemy are too old for the service, so the
# bed enters this tree with chroot. Idempotent: a stamp file records what was built, and a second run with
# the same recipe returns at once.
#   scripts/testbed/build-tree.sh            -> builds into ${CRUCIBLE_TESTBED_CACHE:-/var/cache/crucible-secrets/testbed}/trixie
# Needs root (debootstrap, chroot, mount) and the Debian mirror from this machine's apt sources.
set -euo pipefail
CACHE=${CRUCIBLE_TESTBED_CACHE:-/var/cache/crucible-secrets/testbed}
TREE=$CACHE/trixie
# The Debian archive this machine's apt already uses (not the security archive), unless overridden.
detect_mirror() {
  { grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{for (i = 2; i <= NF; i++) print $i}'
    grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}'
  } | grep -E '/debian/?$' | grep -v -- '-security' | head -n 1 | sed -E 's#/$##' || true
}
MIRROR=${CRUCIBLE_TESTBED_MIRROR:-$(detect_mirror)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# Python packages that suffice to start the API, log in and store provider keys. FastAPI needs
# python3-python-multipart (Kludex's python-multipart); python3-multipart is a different library.
PKGS="python3 python3-fastapi python3-uvicorn python3-sqlalchemy python3-asyncpg python3-pydantic-settings
python3-email-validator python3-httpx python3-celery python3-redis python3-jinja2 python3-python-multipart
python3-bcrypt python3-cryptography python3-cffi-backend python3-structlog python3-openai python3-sse-starlette
python3-dotenv python3-pymupdf python3-markdown python3-docx python3-orjson python3-tenacity python3-passlib
python3-argon2 python3-greenlet python3-ecdsa python3-rsa python3-pyasn1 python3-websockets python3-httptools
python3-uvloop python3-alembic"
# Bump when the fix-ups below change: the stamp then no longer matches and the tree is rebuilt.
RECIPE_VERSION=1
STAMP_TEXT="recipe=$RECIPE_VERSION mirror=$MIRROR pkgs=$(echo $PKGS | tr -s ' \n' ' ')"

started=$(date +%s)
if [ -f "$TREE/.crucible-testbed-stamp" ] && [ "$(cat "$TREE/.crucible-testbed-stamp")" = "$STAMP_TEXT" ]; then
  echo "build-tree: $TREE is up to date (0 s)"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "build-tree: needs root (debootstrap, chroot, mount). Run it with sudo." >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-tree: debootstrap is missing. Run scripts/install-system-deps.sh." >&2; exit 1; }

mkdir -p "$CACHE"
WORK=$CACHE/trixie.building
# A previous interrupted build may have left proc mounted inside the half-built tree.
umount_tree() { mountpoint -q "$1/proc" 2>/dev/null && umount "$1/proc" || true; }
umount_tree "$WORK"
rm -rf "$WORK"
trap 'umount_tree "$WORK"' EXIT

echo "build-tree: debootstrap trixie (minbase) from $MIRROR"
debootstrap --variant=minbase trixie "$WORK" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
  || { tail -n 30 "$CACHE/debootstrap.log" >&2; echo "build-tree: debootstrap failed (log: $CACHE/debootstrap.log)" >&2; exit 1; }

# No daemons may start inside the tree while packages install.
printf '#!/bin/sh\nexit 101\n' >"$WORK/usr/sbin/policy-rc.d"; chmod 755 "$WORK/usr/sbin/policy-rc.d"
mkdir -p "$WORK/app"  # where the bed mounts the service
mount -t proc proc "$WORK/proc"
echo "build-tree: installing the Python packages"
# Installing after debootstrap (not with --include) avoids debootstrap's failure configuring packages that
# need python3-cffi-backend; apt resolves the order itself.
chroot "$WORK" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS \
  >"$CACHE/apt.log" 2>&1 \
  || { tail -n 30 "$CACHE/apt.log" >&2; echo "build-tree: apt-get inside the tree failed (log: $CACHE/apt.log)" >&2; exit 1; }

# python3-jose is not in Debian 13; Debian 12's pure-Python 3.3.0 package works there.
echo "build-tree: python3-jose from Debian 12"
jose_dir=$(mktemp -d)
# A clean CI machine may have no package lists yet: update once and retry.
(cd "$jose_dir" && apt-get download -q python3-jose >/dev/null 2>&1) \
  || { apt-get update -q >/dev/null && (cd "$jose_dir" && apt-get download -q python3-jose >/dev/null 2>&1); } \
  || { echo "build-tree: could not download python3-jose from the host's (Debian 12) apt sources" >&2; exit 1; }
cp "$jose_dir"/python3-jose_*.deb "$WORK/tmp/"
rm -rf "$jose_dir"
chroot "$WORK" sh -c 'dpkg -i /tmp/python3-jose_*.deb && rm -f /tmp/python3-jose_*.deb' >>"$CACHE/apt.log" 2>&1 \
  || { tail -n 20 "$CACHE/apt.log" >&2; echo "build-tree: dpkg -i python3-jose failed" >&2; exit 1; }

# FastAPI 0.115 rejects routes declared `-> None` with status 204 under `from __future__ import annotations`
# (FastAPI issue 9424, fixed upstream later; Crucible's image installs a newer FastAPI from PyPI).
# Treating a NoneType response model as no model is the upstream fix in spirit.
echo "build-tree: patching fastapi/routing.py (NoneType response model)"
chroot "$WORK" python3 - <<'PY'
import pathlib, fastapi.routing as r
p = pathlib.Path(r.__file__)
s = p.read_text()
old = "        self.response_model = response_model\n"
new = "        if response_model is type(None):\n            response_model = None\n" + old
if new not in s:
    if s.count(old) != 1:
        raise SystemExit("fastapi/routing.py: anchor for the NoneType patch not found exactly once")
    p.write_text(s.replace(old, new))
PY

chroot "$WORK" apt-get clean >/dev/null 2>&1 || true
umount_tree "$WORK"
trap - EXIT
printf '%s' "$STAMP_TEXT" >"$WORK/.crucible-testbed-stamp"
umount_tree "$TREE"
rm -rf "$TREE"
mv "$WORK" "$TREE"
echo "build-tree: built $TREE in $(( $(date +%s) - started )) s"
