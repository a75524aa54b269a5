#!/usr/bin/env bash
# Set up Capuchin on a fresh Debian/Ubuntu machine (run as root, or with sudo available):
# system packages, a virtualenv in .venv with CPU torch, the project with its test extras,
# llama.cpp for the embedded model (the wheel and llama.cpp's llama-server, each built once and
# cached across runs), the model
# weights, the Docker engine and the sandbox's base images. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${CAPUCHIN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capuchin}"
WHEELS="$CACHE/wheels"
PY="${PYTHON:-python3}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

need_pkgs=()
for pair in git:git cmake:cmake g++:g++ docker:docker.io debootstrap:debootstrap bwrap:bubblewrap patch:patch; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
# `docker` alone may be only a client; the engine comes with docker.io.
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing system packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
VPIP=".venv/bin/pip"
# CPU torch first: otherwise sentence-transformers pulls a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || { say "installing CPU torch"; $VPIP install -q torch==2.13.0; }

mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  say "building llama-cpp-python (about 7-10 minutes on 2 cores; cached in $WHEELS)"
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" $VPIP wheel -q --no-deps -w "$WHEELS" "llama-cpp-python==0.3.36"
fi
# llama.cpp's own server batches the samples of a prompt (evaluated once): ~2-3x the samples/s
# of llama_cpp.server on 2 cores. Optional: without it the embedded model uses llama_cpp.server.
bash scripts/build-llama-server.sh \
  || say "llama-server did not build; the embedded model falls back to llama_cpp.server (one request at a time)"
say "installing capuchin and its dependencies"
$VPIP install -q --find-links "$WHEELS" -e ".[embedded,dev]"

say "pulling the embedded model (embedded.model: Qwen2.5-Coder-1.5B-Instruct by default, ~1.1 GB, sha256-verified)"
.venv/bin/capuchin models pull

if [ -x scripts/sandbox-setup.sh ]; then
  say "starting Docker and building the sandbox base images (cached in the engine)"
  bash scripts/sandbox-setup.sh
fi
say "setup done"
