#!/usr/bin/env bash
# Proves the README's two commands on a stock system: a throwaway Debian root (debootstrap --variant=minbase)
# with only python3, python3-venv, python3-pip, make and git, a clean `git clone` of this repository's
# HEAD (commit first: uncommitted changes are not in it), and `make test` run inside it with chroot.
# Everything else must come from the project's own scripts (scripts/system-deps.sh, the Makefile).
#
# Usage (as root, on Debian or Ubuntu, about 3 GB free and 10-20 minutes):
#   scripts/check-fresh-system.sh [SUITE] [MIRROR]     SUITE: bookworm (default), trixie, ...
#   KEEP=1 scripts/check-fresh-system.sh               keep the root afterwards to look around
# The log is written to build/fresh-SUITE.log; the exit status is that of `make test`.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SUITE=${1:-bookworm}
MIRROR=${2:-${TANBAO_DEBIAN_MIRROR:-http://deb.debian.org/debian}}
[ "$(id -u)" -eq 0 ] || exec sudo bash "$0" "$@"
command -v debootstrap >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
}
mkdir -p "$REPO/build"
LOG=$REPO/build/fresh-$SUITE.log
ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/tanbao-fresh-$SUITE.XXXXXX")
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R -l "${mounted[$i]}" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "fresh-system: the root is kept in $ROOT (unmounted)"
  elif ! findmnt -rn -o TARGET | grep -q "^$ROOT"; then
    rm -rf "$ROOT"
  fi
}
trap cleanup EXIT

started=$(date +%s)
echo "fresh-system: debootstrap $SUITE into $ROOT" | tee "$LOG"
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,make,git "$SUITE" "$ROOT" "$MIRROR" \
  >>"$LOG" 2>&1 || { tail -20 "$LOG"; exit 1; }
git clone -q --no-local "$REPO" "$ROOT/work/tanbao"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Only so that pip in the root trusts what this machine trusts (a company proxy's CA, for example).
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/host-ca.crt"
mount -t proc proc "$ROOT/proc" && mounted+=("$ROOT/proc")
mount -t sysfs sys "$ROOT/sys" && mounted+=("$ROOT/sys")
mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev" && mounted+=("$ROOT/dev")
mount -t tmpfs tmpfs "$ROOT/tmp" && mounted+=("$ROOT/tmp")

echo "fresh-system: make test in the clean clone ($(git -C "$REPO" log -1 --format='%h %s'))" | tee -a "$LOG"
set +e
chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  PIP_CERT=/etc/ssl/certs/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
  ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} ${no_proxy:+no_proxy=$no_proxy} \
  bash -c 'cd /work/tanbao && make test' >>"$LOG" 2>&1
status=$?
set -e
tail -5 "$LOG"
echo "fresh-system: make test on a fresh $SUITE exited $status after $(($(date +%s) - started)) s (log: $LOG)"
exit $status
