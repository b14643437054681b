#!/bin/sh
# Installs the Debian packages MathLens needs (arguments), plus python3-venv/python3-dev when the
# chosen Python lacks venv or its headers. As root it runs apt-get; otherwise it prints the exact
# command to run and fails, so nothing half-installs.
set -eu
PYTHON=${PYTHON:-python3}
pkgs="$*"
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then pkgs="$pkgs python3-venv"; fi
if ! "$PYTHON" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  pkgs="$pkgs python3-dev"
fi
command -v dpkg-query >/dev/null 2>&1 || { echo "Not a Debian system: install the equivalents of: $pkgs"; exit 0; }
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "MathLens needs these Debian packages. Run:"
  echo "  sudo apt-get install -y$missing"
  echo "then run make again."
  exit 1
fi
