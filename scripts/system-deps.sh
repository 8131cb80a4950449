#!/usr/bin/env bash
# Installs the Debian packages TanBao and its test suite need, when they are missing:
# Qt's runtime libraries (offscreen and xcb platforms), poppler-utils (pdftoppm/pdffonts
# for looking at reports), Xvfb for screenshots and for starting the built program on an X screen,
# binutils (PyInstaller strips the standalone program's libraries with strip; the build test reads them
# with objdump), strace (the build test proves the built program opens no network socket) and fuse3 with
# libfuse3 (the power-loss test mounts a FUSE file system through mfusepy).
set -euo pipefail
packages=(
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1
  poppler-utils xvfb
  binutils strace
  fuse3 libfuse3-3
)
command -v dpkg-query >/dev/null || { echo "system-deps: not a Debian system; install Qt's xcb libraries by hand" >&2; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
