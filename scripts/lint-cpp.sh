#!/usr/bin/env bash
# Checks that every C++ file of native/ is formatted as .clang-format says, changing nothing:
# prints each file's differences and exits non-zero if there are any. Fix with
#   node_modules/.bin/clang-format -i <files>
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=node_modules/.bin/clang-format
[ -x "$clang_format" ] || { echo "lint-cpp: $clang_format is missing (npm ci installs it)" >&2; exit 2; }
mapfile -t files < <(find native -type f \( -name '*.cc' -o -name '*.h' -o -name '*.inc' \) | sort)
[ "${#files[@]}" -gt 0 ] || { echo "lint-cpp: no C++ files under native/" >&2; exit 2; }
"$clang_format" --dry-run --Werror --style=file "${files[@]}"
echo "lint-cpp: ${#files[@]} files formatted as .clang-format says"
