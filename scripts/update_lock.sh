#!/usr/bin/env bash
# Move constraints.txt forward: install the newest versions pyproject.toml allows into a scratch
# venv, run the whole test suite (the README's test command) with them, and rewrite the lock only
# when it passes. Run from anywhere; takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --upgrade -e '.[test]'
"$scratch/venv/bin/ruff" check .
"$scratch/venv/bin/mypy"
"$scratch/venv/bin/pytest" -q -p no:cacheprovider
{
  sed -n '1,3p' constraints.txt
  "$scratch/venv/bin/pip" freeze --exclude-editable | grep -v '^#' | grep -vi '^jdgen'
} > "$scratch/constraints.txt"
mv "$scratch/constraints.txt" constraints.txt
git --no-pager diff --stat -- constraints.txt || true
echo "constraints.txt updated; commit it with the suite's result"
