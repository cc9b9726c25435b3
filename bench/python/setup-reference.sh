#!/usr/bin/env bash
# Prepares the Python ActingWeb reference for `npm run bench -- --suite reference`
# without PyPI: every package that is not taken from the interpreter is exported
# from its git repository at the version the reference's poetry.lock pins, and
# psycopg's C implementation (what `psycopg[binary]` ships) is compiled with Cython.
#
#   bench/python/setup-reference.sh [OUT]        (OUT defaults to /tmp/aw-py-reference)
#
# Writes OUT/reference (the actingweb checkout: AW_PY_REFERENCE_DIR) and
# OUT/site (the extra packages: AW_PY_PATH). Nothing is written into the repository.
#
# Sources: https://github.com/<owner>/<name>.git, or a local clone/bare mirror at
# $AW_PY_MIRROR_DIR/<owner>+<name>/repo when that exists. The reference itself comes
# from AW_PY_REFERENCE_GIT (default: github actingweb/actingweb) at
# AW_PY_REFERENCE_REF (default v3.14.0).
# Needs: git, tar, the interpreter in AW_PY_PYTHON (default /usr/bin/python3) with the
# packages docs/benchmarks.md lists, and for the C build gcc, the Python headers and pg_config.
set -euo pipefail

OUT=${1:-/tmp/aw-py-reference}
PYTHON=${AW_PY_PYTHON:-/usr/bin/python3}
SITE="$OUT/site"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

repo_of() { # owner name -> a git directory or URL
  local local_mirror="${AW_PY_MIRROR_DIR:-}/$1+$2/repo"
  if [[ -n "${AW_PY_MIRROR_DIR:-}" && -d "$local_mirror" ]]; then echo "$local_mirror"; else echo "https://github.com/$1/$2.git"; fi
}

# export REPO REF PATH DEST: extracts PATH of REPO at REF into DEST (a directory).
export_tree() {
  local repo=$1 ref=$2 path=$3 dest=$4
  mkdir -p "$dest"
  if [[ -d "$repo" ]]; then
    git -C "$repo" archive --format=tar "$ref" "$path" | tar -x -C "$dest"
  else
    local clone="$WORK/clone-$(basename "$repo" .git)-$ref"
    [[ -d "$clone" ]] || git clone --quiet --depth 1 --branch "$ref" "$repo" "$clone"
    (cd "$clone" && tar -c "$path") | tar -x -C "$dest"
  fi
}

# package OWNER NAME REF PATH-IN-REPO DIST-NAME VERSION: copies a pure-Python package into SITE
# and records its version for importlib.metadata (so it shadows a distro copy cleanly).
package() {
  local owner=$1 name=$2 ref=$3 path=$4 dist=$5 version=$6
  local tmp="$WORK/pkg-$dist"
  export_tree "$(repo_of "$owner" "$name")" "$ref" "$path" "$tmp"
  cp -r "$tmp/$path" "$SITE/"
  local info="$SITE/${dist//-/_}-$version.dist-info"
  mkdir -p "$info"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$dist" "$version" >"$info/METADATA"
  echo "  $dist $version ($owner/$name@$ref)"
}

rm -rf "$OUT" && mkdir -p "$SITE"

echo "Reference:"
REF_REPO=${AW_PY_REFERENCE_GIT:-$(repo_of actingweb actingweb)}
REF_REF=${AW_PY_REFERENCE_REF:-v3.14.0}
export_tree "$REF_REPO" "$REF_REF" . "$OUT/reference"
echo "  actingweb $REF_REF from $REF_REPO -> $OUT/reference"

echo "Packages (versions from the reference's poetry.lock):"
package psycopg psycopg 3.3.4 psycopg/psycopg psycopg 3.3.4
package psycopg psycopg pool-3.3.1 psycopg_pool/psycopg_pool psycopg-pool 3.3.1
package pynamodb PynamoDB 6.1.0 pynamodb pynamodb 6.1.0
package httpie fractional-indexing-python 0.1.3 fractional_indexing.py fractional-indexing 0.1.3
package pallets flask 3.1.3 src/flask flask 3.1.3
package pallets werkzeug 3.1.8 src/werkzeug werkzeug 3.1.8
package pallets itsdangerous 2.2.0 src/itsdangerous itsdangerous 2.2.0
package pallets-eco blinker 1.9.0 src/blinker blinker 1.9.0
# waitress is not in the lock file (the reference does not pick a server); its current release:
package Pylons waitress v3.0.2 src/waitress waitress 3.0.2

echo "psycopg C implementation (psycopg-c 3.3.4, Cython 3.1.8 run from source):"
if command -v gcc >/dev/null && command -v pg_config >/dev/null &&
  "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
  export_tree "$(repo_of cython cython)" 3.1.8 . "$WORK/cython"
  export_tree "$(repo_of psycopg psycopg)" 3.3.4 psycopg_c "$WORK/psyc"
  src="$WORK/psyc/psycopg_c/psycopg_c"
  for module in pq _psycopg; do
    PYTHONPATH="$WORK/cython" "$PYTHON" "$WORK/cython/cython.py" -3 -X always_allow_keywords=False \
      -X freethreading_compatible=True "$src/$module.pyx" -o "$src/$module.c" 2>&1 | grep -v '^warning' || true
  done
  ext=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
  pyinc=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  cflags=(-shared -fPIC -O2 -I"$(pg_config --includedir)" -I"$pyinc" -I"$src")
  gcc "${cflags[@]}" "$src/pq.c" -L"$(pg_config --libdir)" -lpq -o "$src/pq$ext"
  gcc "${cflags[@]}" "$src/_psycopg.c" "$src/types/numutils.c" -L"$(pg_config --libdir)" -lpq -o "$src/_psycopg$ext"
  mkdir -p "$SITE/psycopg_c"
  cp "$src"/__init__.py "$src"/_uuid.py "$src"/version.py "$src"/*"$ext" "$SITE/psycopg_c/"
  mkdir -p "$SITE/psycopg_c-3.3.4.dist-info"
  printf 'Metadata-Version: 2.1\nName: psycopg-c\nVersion: 3.3.4\n' >"$SITE/psycopg_c-3.3.4.dist-info/METADATA"
  echo "  built: psycopg will use its C implementation"
else
  echo "  SKIPPED (needs gcc, pg_config and Python.h): psycopg runs in pure Python, slower than psycopg[binary]" >&2
fi

echo "Checking imports with $PYTHON:"
PYTHONPATH="$OUT/reference:$SITE" "$PYTHON" - <<'EOF'
import importlib.metadata as m
import psycopg
import actingweb
from actingweb.interface import ActingWebApp  # noqa: F401
import alembic, sqlalchemy  # noqa: F401  (migrations only)
print(f"  actingweb {actingweb.__version__}, psycopg {m.version('psycopg')} ({psycopg.pq.__impl__}), psycopg-pool {m.version('psycopg-pool')}, "
      f"flask {m.version('flask')}, werkzeug {m.version('werkzeug')}, waitress {m.version('waitress')}")
EOF
echo
echo "Then: AW_PY_REFERENCE_DIR=$OUT/reference AW_PY_PATH=$SITE npm run bench -- --suite reference"
