#!/usr/bin/env bash
# make build-compat: the standalone program for Linux systems with glibc 2.28 or newer (UOS 20, Kylin V10,
# RHEL/Rocky 8, Debian 10+, Ubuntu 20.04+): dist/TanBao-linux-x86_64-glibc2.28.tar.gz.
#
# How (README "Linux build for glibc 2.28"): a Debian 11 root made with debootstrap from the Debian mirror
# this machine's apt uses; inside it SQLite 3.40, libpng and CPython 3.11 built from Debian's source
# packages with glibc228.h forced in; a venv with the program's packages and PyInstaller; build.spec.
# Needs root (debootstrap, chroot, mount), Debian or Ubuntu, about 2 GB of disk and network to the Debian
# mirror and PyPI. The root and everything compiled in it are kept in TANBAO_COMPAT_CACHE (default
# ~/.cache/tanbao-compat): the first run takes about half an hour on two cores, later runs a few minutes.
# Set TANBAO_DEBIAN_MIRROR to use another Debian mirror.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TANBAO_COMPAT_CACHE:-$HOME/.cache/tanbao-compat}
ROOTFS=$CACHE/bullseye
JOBS=${JOBS:-$(nproc)}
OUT=$REPO/dist/TanBao-linux-x86_64-glibc2.28.tar.gz
started=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=TANBAO_COMPAT_CACHE,TANBAO_DEBIAN_MIRROR,JOBS,http_proxy,https_proxy,no_proxy \
    TANBAO_COMPAT_CACHE="$CACHE" bash "$0" "$@"
fi
[ "$(uname -m)" = x86_64 ] || { echo "build-compat: builds for x86_64 only (README: aarch64)" >&2; exit 1; }

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line .list), else Debian's.
debian_mirror() {
  [ -n "${TANBAO_DEBIAN_MIRROR:-}" ] && { echo "$TANBAO_DEBIAN_MIRROR"; return; }
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | sed -n -E 's/^[[:space:]]*(URIs:|deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?([a-z]+:\/\/[^[:space:]]+).*/\3/p' \
    | grep -E '/debian/?$' | grep -v -E 'security|ports' | head -1 || true)
  echo "${found:-http://deb.debian.org/debian}"
}
MIRROR=$(debian_mirror)
MIRROR=${MIRROR%/}
echo "build-compat: Debian mirror $MIRROR, cache $CACHE"

command -v debootstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap debian-archive-keyring
}

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

# ---- the Debian 11 root (glibc 2.31; glibc228.h keeps what is built in it to 2.28) -----------------
PACKAGES=(
  build-essential pkg-config binutils file xz-utils ca-certificates tcl
  libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev uuid-dev
  # what Qt's xcb platform links: PyInstaller collects these from the root
  libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1
)
if [ ! -f "$ROOTFS/.tanbao-root-done" ]; then
  t=$(date +%s)
  if findmnt -rn -o TARGET | grep -q "^$ROOTFS/"; then
    echo "build-compat: something is still mounted under $ROOTFS; unmount it first" >&2
    exit 1
  fi
  rm -rf "$ROOTFS"
  mkdir -p "$CACHE"
  include=$(IFS=,; echo "${PACKAGES[*]}")
  debootstrap --variant=minbase --include="$include" bullseye "$ROOTFS" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -30 "$CACHE/debootstrap.log"; exit 1; }
  touch "$ROOTFS/.tanbao-root-done"
  echo "build-compat: Debian 11 root made in $(($(date +%s) - t)) s"
fi

mount -t proc proc "$ROOTFS/proc" && mounted+=("$ROOTFS/proc")
mount --bind /dev "$ROOTFS/dev" && mounted+=("$ROOTFS/dev")
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true
# pip in the root trusts what this machine trusts (a company proxy's own CA, for example).
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/tanbao-host-ca.crt"
mkdir -p "$ROOTFS/opt/tanbao"
cp "$REPO/scripts/compat/glibc228.h" "$ROOTFS/opt/tanbao/glibc228.h"

# A clean copy of the repository: the files git knows, as they are in the work tree.
rm -rf "$ROOTFS/work/src" && mkdir -p "$ROOTFS/work/src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$ROOTFS/work/src" -xf -

t=$(date +%s)
chroot "$ROOTFS" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  MIRROR="$MIRROR" JOBS="$JOBS" DEBIAN_FRONTEND=noninteractive \
  PIP_CERT=/etc/ssl/certs/tanbao-host-ca.crt SSL_CERT_FILE=/etc/ssl/certs/tanbao-host-ca.crt \
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
  ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
  ${no_proxy:+no_proxy=$no_proxy} \
  bash /work/src/scripts/compat/inside.sh
echo "build-compat: built in the root in $(($(date +%s) - t)) s"

mkdir -p "$REPO/dist"
tar -czf "$OUT.part" -C "$ROOTFS/work/out/dist" TanBao
mv "$OUT.part" "$OUT"
INFO=$REPO/dist/TanBao-linux-x86_64-glibc2.28.versions.txt
cp "$ROOTFS/work/out/versions.txt" "$INFO"
echo "build-compat: seconds $(($(date +%s) - started)) ($(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?'))" >>"$INFO"
if [ -n "${SUDO_UID:-}" ]; then chown "$SUDO_UID:$SUDO_GID" "$REPO/dist" "$OUT" "$INFO"; fi
echo "build-compat: $OUT ($(du -h "$OUT" | cut -f1)) in $(($(date +%s) - started)) s"
