#!/usr/bin/env bash
# What `make bench` needs beyond `make run`: LibreOffice's spreadsheet without a GUI (soffice), whose
# xlsx → PDF conversion of the same workbook is the reports' reference in every run of benchmarks/run.py.
# Installed with apt-get (sudo when not root) only when soffice is missing; does nothing otherwise.
set -euo pipefail
if command -v soffice >/dev/null || command -v libreoffice >/dev/null; then
  exit 0
fi
command -v apt-get >/dev/null || { echo "bench-deps: no apt-get; install LibreOffice (soffice) by hand" >&2; exit 1; }
echo "bench-deps: installing libreoffice-calc-nogui"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui
command -v soffice >/dev/null
