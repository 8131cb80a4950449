#!/usr/bin/env bash
# Runs inside the Debian 11 (bullseye) root that scripts/build-compat.sh prepares: builds SQLite, libpng
# and CPython 3.11 with glibc228.h forced in, then the standalone program with PyInstaller.
# Each stage leaves a stamp in /opt/tanbao and is skipped on the next run while its inputs are the same.
# In: MIRROR (Debian mirror), JOBS, /work/src (a clean copy of the repository). Out: /work/out/dist/TanBao.
set -euo pipefail

OPT=/opt/tanbao
SRC=/opt/tanbao/src
HEADER=$OPT/glibc228.h
PY=$OPT/python
KEY=$(sha256sum "$HEADER" | cut -c1-12)  # a changed header rebuilds everything compiled with it
mkdir -p "$SRC"

stage() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

# too_new FILE|DIR...: fails naming every ELF that needs a glibc symbol version above 2.28 (the same
# check as tests/test_build_compat.py, so that a bad build stops here and is never packed).
too_new() {
  local bad=0 f v list
  list=$(mktemp)
  find "$@" -type f -print0 >"$list"
  while IFS= read -r -d '' f; do
    [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    v=$(objdump -T "$f" 2>/dev/null | grep -F '*UND*' | grep -oE 'GLIBC_[0-9.]+' | sort -uV | tail -1 || true)
    if [ -n "$v" ] && [ "$(printf '%s\nGLIBC_2.28\n' "$v" | sort -V | tail -1)" != GLIBC_2.28 ]; then
      echo "build-compat: $f needs $v:" >&2
      objdump -T "$f" | grep -F "($v)" | head -5 >&2
      bad=1
    fi
  done <"$list"
  rm -f "$list"
  return $bad
}

# ---- Debian's source packages, from the same mirror as the root, checked against their .dsc ----------
fetch_source() {  # fetch_source PACKAGE SUITE → prints the path of the verified upstream tarball
  local package=$1 suite=$2 dsc orig want got
  (cd "$SRC" && ls "${package}"_*.dsc >/dev/null 2>&1) \
    || (cd "$SRC" && apt-get source --download-only -qq "$package/$suite" >&2)
  dsc=$(cd "$SRC" && ls "${package}"_*.dsc | sort -V | tail -1)
  orig=$(awk '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s && $3 ~ /\.orig\.tar\./ && $3 !~ /-www/ {print $3}' "$SRC/$dsc")
  want=$(awk -v f="$orig" '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s && $3==f {print $1}' "$SRC/$dsc")
  got=$(sha256sum "$SRC/$orig" | cut -d' ' -f1)
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "build-compat: $orig does not match its $dsc (want '$want', got '$got')" >&2
    exit 1
  fi
  echo "build-compat: $orig matches $dsc" >&2
  echo "$SRC/$orig"
}

unpack() {  # unpack TARBALL DIR: a fresh copy of the sources in DIR
  rm -rf "$2" && mkdir -p "$2" && tar -xf "$1" -C "$2" --strip-components=1
}

if [ ! -f "$OPT/.sources-listed" ]; then
  stage "apt: source package lists"
  cat >/etc/apt/sources.list.d/tanbao-src.list <<LIST
deb-src $MIRROR bookworm main
deb-src $MIRROR bullseye main
LIST
  apt-get update -qq
  touch "$OPT/.sources-listed"
fi

# ---- SQLite 3.40.1 (Debian 12's), static and position-independent: the one the program runs on -------
SQLITE=$OPT/sqlite
if [ ! -f "$OPT/.sqlite-$KEY" ]; then
  stage "SQLite"
  tarball=$(fetch_source sqlite3 bookworm)
  unpack "$tarball" /tmp/sqlite
  cd /tmp/sqlite
  ./configure --disable-tcl --disable-shared >/dev/null
  make -s sqlite3.c  # the amalgamation (generated with tclsh)
  rm -rf "$SQLITE" && mkdir -p "$SQLITE/lib" "$SQLITE/include"
  gcc -O2 -fPIC -include "$HEADER" -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_FTS4 \
    -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_COLUMN_METADATA \
    -DSQLITE_ENABLE_MATH_FUNCTIONS -c sqlite3.c -o sqlite3.o
  ar rcs "$SQLITE/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$SQLITE/include/"
  cd / && rm -rf /tmp/sqlite
  touch "$OPT/.sqlite-$KEY"
fi

# ---- libpng 1.6 (Debian 11's), rebuilt with the header: the system's needs GLIBC_2.29 (pow) ----------
PNG=$OPT/libpng
if [ ! -f "$OPT/.libpng-$KEY" ]; then
  stage "libpng"
  tarball=$(fetch_source libpng1.6 bullseye)
  unpack "$tarball" /tmp/libpng
  cd /tmp/libpng
  ./configure --prefix="$PNG" --enable-shared --disable-static CFLAGS="-O2 -include $HEADER" >/dev/null
  make -s -j"$JOBS" && rm -rf "$PNG" && make -s install >/dev/null
  too_new "$PNG/lib"
  cd / && rm -rf /tmp/libpng
  touch "$OPT/.libpng-$KEY"
fi

# ---- CPython 3.11 (Debian 12's source), shared, finding its own libpython by rpath -----------------
if [ ! -f "$OPT/.python-$KEY" ]; then
  stage "CPython (the long part: about 15 minutes on two cores)"
  tarball=$(fetch_source python3.11 bookworm)
  unpack "$tarball" /tmp/python
  cd /tmp/python
  # sem_clockwait is glibc 2.30: without it CPython falls back to sem_timedwait (glibc 2.2.5).
  ./configure --prefix="$PY" --enable-shared --with-ensurepip=install \
    CFLAGS="-include $HEADER" LDFLAGS="-Wl,-rpath,$PY/lib" \
    LIBSQLITE3_CFLAGS="-I$SQLITE/include" LIBSQLITE3_LIBS="-L$SQLITE/lib -lsqlite3 -lm" LIBS="-lm" \
    ac_cv_func_sem_clockwait=no >/tmp/python-configure.log
  make -s -j"$JOBS" >/tmp/python-make.log 2>&1 || { tail -50 /tmp/python-make.log; exit 1; }
  # The modules the program needs must have been built (a missing library only prints a list).
  for module in _sqlite3 _ssl _ctypes _lzma _bz2 zlib _uuid; do
    ls build/lib.*/"$module".*.so >/dev/null 2>&1 \
      || { echo "build-compat: CPython built without $module" >&2; grep -A6 'necessary bits' /tmp/python-make.log >&2; exit 1; }
  done
  rm -rf "$PY" && make -s install >/tmp/python-install.log 2>&1 || { tail -50 /tmp/python-install.log; exit 1; }
  cd / && rm -rf /tmp/python
  too_new "$PY"
  "$PY/bin/python3.11" -c 'import sqlite3, ssl, ctypes, lzma, bz2, zlib, uuid; print("build-compat: Python", __import__("sys").version.split()[0], "SQLite", sqlite3.sqlite_version)'
  rm -rf "$OPT/venv"
  touch "$OPT/.python-$KEY"
fi

# ---- the program's packages and PyInstaller, from PyPI ----------------------------------------------
stage "venv: pip install . pyinstaller"
[ -x "$OPT/venv/bin/python" ] || "$PY/bin/python3.11" -m venv "$OPT/venv"
"$OPT/venv/bin/python" -m pip install -q --upgrade pip
"$OPT/venv/bin/python" -m pip install -q /work/src "pyinstaller>=6.10"
"$OPT/venv/bin/python" -m pip uninstall -q -y tanbao  # the build reads the sources from /work/src

stage "PyInstaller"
rm -rf /work/out && mkdir -p /work/out
cd /work/src
# The rebuilt libpng comes before the system's when PyInstaller collects the libraries.
LD_LIBRARY_PATH="$PNG/lib" "$OPT/venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath /work/out/dist --workpath /work/out/build build.spec
"$OPT/venv/bin/python" -c 'import PySide6, sqlite3; print("build-compat: PySide6", PySide6.__version__, "SQLite", sqlite3.sqlite_version)' \
  >/work/out/versions.txt
cat /work/out/versions.txt
too_new /work/out/dist/TanBao
