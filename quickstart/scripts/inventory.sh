#!/usr/bin/env bash
# Writes work/inventory.json: every file under work/docs with its size.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p work
{
  echo '{ "files": ['
  first=1
  while IFS= read -r -d '' f; do
    [ $first -eq 1 ] || echo ','
    first=0
    printf '  { "path": "%s", "bytes": %s }' "${f#work/docs/}" "$(stat -c %s "$f")"
  done < <(find work/docs -type f -print0 | sort -z)
  echo
  echo '] }'
} > work/inventory.json.tmp
mv work/inventory.json.tmp work/inventory.json
echo "inventory: $(grep -c '"path"' work/inventory.json) file(s)"
