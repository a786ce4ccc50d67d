#!/usr/bin/env bash
# Installs whatever civicmap needs that is missing, and nothing that is already there.
#   tools/bootstrap.sh          system packages for running, Python venv, front-end vendor files
#   tools/bootstrap.sh --test   also what the test suite needs (Chromium, GDAL)
#   tools/bootstrap.sh --bench  also what the benchmark needs (Chromium, wrk, tipg)
#   tools/bootstrap.sh --soak   also what the soak harness needs (nginx)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_bench=0
want_soak=0
[ "${1:-}" = "--test" ] && want_test=1
[ "${1:-}" = "--bench" ] && want_bench=1
[ "${1:-}" = "--soak" ] && want_soak=1

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need_pkgs+=(postgresql-15)
pkg_installed postgresql-15-postgis-3 || need_pkgs+=(postgresql-15-postgis-3)
have npm || need_pkgs+=(nodejs npm)
if [ ! -x .venv/bin/python ]; then
  # Debian splits venv/ensurepip into python3-venv: try one in a scratch folder to know.
  probe=$(mktemp -d)
  python3 -m venv "$probe/v" >/dev/null 2>&1 || need_pkgs+=(python3-venv)
  rm -rf "$probe"
fi
have redis-server || need_pkgs+=(redis-server)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
  have ogrinfo || need_pkgs+=(gdal-bin)
fi
if [ "$want_bench" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
  have wrk || need_pkgs+=(wrk)
fi
if [ "$want_soak" = 1 ]; then
  [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
fi

if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    echo "civicmap needs these system packages, and cannot install them here" >&2
    echo "(installing needs root on Debian 12 with apt-get):" >&2
    echo "    apt-get install -y ${need_pkgs[*]}" >&2
    exit 1
  fi
  echo "==> apt-get install ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# The Python environment is rebuilt only when pyproject.toml changes.
if [ ! -x .venv/bin/python ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "==> Python packages into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  touch .venv/.installed
fi

# Translations: the catalogs (.po) are in git; their compiled form is built here when one changed.
for po in civicmap/translations/*/LC_MESSAGES/messages.po; do
  if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
    .venv/bin/pybabel compile -d civicmap/translations >/dev/null
    break
  fi
done

# Front-end libraries: pinned in package-lock.json, copied into static/vendor.
if [ ! -f static/vendor/.installed ] || [ package-lock.json -nt static/vendor/.installed ]; then
  echo "==> front-end libraries from npm"
  npm ci --silent --no-audit --no-fund
  node tools/vendor.mjs
  touch static/vendor/.installed
fi

# The peer server for benchmarks (tipg) lives in its own virtualenv: its dependencies are not ours.
if [ "$want_bench" = 1 ] && [ ! -x benchmarks/.venv-tipg/bin/uvicorn ]; then
  echo "==> tipg (benchmark peer) into benchmarks/.venv-tipg"
  python3 -m venv benchmarks/.venv-tipg
  benchmarks/.venv-tipg/bin/pip install -q "tipg==1.6.1" "uvicorn[standard]==0.54.0"
fi
