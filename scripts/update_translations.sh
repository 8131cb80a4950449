#!/usr/bin/env bash
# Extracts every user-facing string (gui: self.tr / QCoreApplication.translate; model and CLI:
# model.i18n.translate(context, text)) into resources/translations/tanbao_<lang>.ts for Qt Linguist,
# and compiles any translated .ts into the .qm the program loads (TANBAO_LANG=<lang>).
#   scripts/update_translations.sh en
set -euo pipefail
cd "$(dirname "$0")/.."
lang="${1:-en}"
bin=.venv/bin
sources=(main.py $(git ls-files 'gui/*.py' 'model/**.py' 'cli/**.py'))
"$bin/pyside6-lupdate" "${sources[@]}" -ts "resources/translations/tanbao_${lang}.ts"
"$bin/pyside6-lrelease" "resources/translations/tanbao_${lang}.ts" -qm "resources/translations/tanbao_${lang}.qm"
