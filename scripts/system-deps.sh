#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages TanBao and its test suite need, when they are missing, so that
# `make run` and `make test` work on a stock minimal Debian 12 or Ubuntu 22.04/24.04 that has only
# python3, python3-venv, python3-pip, make and git (scripts/check-fresh-system.sh proves it):
# - Python 3.11 itself where the system's python3 is older (Ubuntu 22.04: python3.11 from its archive);
# - the Python shared library matching the interpreter (libpython3.X): PyInstaller bundles it into the
#   standalone program, and a system Python keeps it in a package of its own;
# - Qt's runtime libraries (offscreen and xcb platforms);
# - poppler-utils (pdftoppm/pdffonts/pdftotext for looking at reports), Xvfb and xauth (xvfb-run) for
#   screenshots and for starting the built program on an X screen;
# - binutils (PyInstaller strips the standalone program's libraries with strip; the build tests read them
#   with objdump) and strace (the build test proves the built program opens no network socket);
# - fuse3 with libfuse3 (the power-loss test mounts a FUSE file system through mfusepy).
# Usage: scripts/system-deps.sh [PYTHON]   (PYTHON: the interpreter make uses, default python3)
set -euo pipefail
python=${1:-python3}
packages=(
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
  libx11-6 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1
  poppler-utils xvfb xauth
  binutils strace
  fuse3 libfuse3-3
)
command -v dpkg-query >/dev/null || { echo "system-deps: not a Debian system; install Qt's xcb libraries by hand" >&2; exit 0; }

# The interpreter: the system's python3 when it is 3.11 or newer, else python3.11 (Ubuntu 22.04).
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  packages+=(python3.11 python3.11-venv libpython3.11)
  python=python3.11
fi
# PyInstaller needs the interpreter's shared library (libpython3.X.so.1.0). A Python built with
# --enable-shared (pyenv, python.org) has it beside itself; Debian's and Ubuntu's system Python keep it in
# the package libpython3.X, which a minimal system lacks (their sysconfig says "shared" all the same).
if command -v "$python" >/dev/null; then
  read -r soname version libdir executable < <("$python" -c 'import sys, sysconfig; v = sysconfig.get_config_var; print(v("INSTSONAME") or "-", "%d.%d" % sys.version_info[:2], v("LIBDIR") or "-", sys.executable)')
  if [[ "$(readlink -f "$executable")" == /usr/bin/* ]] && [ ! -e "$libdir/$soname" ] \
    && ! { command -v ldconfig >/dev/null && ldconfig -p | grep -qF "$soname"; }; then
    packages+=("libpython$version")
  fi
fi
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
