#!/usr/bin/env bash
# Build llama.cpp's own HTTP server (llama-server) for the embedded model, once, from the
# llama.cpp source that the llama-cpp-python sdist vendors (so it is the same llama.cpp as the
# wheel, and PyPI is the only source needed). CPU only, no curl/openssl, no web UI download.
# Why a second build next to the wheel: llama-server decodes the n samples of a prompt in one
# batch with the prompt evaluated once (parallel slots, continuous batching, prompt cache);
# llama_cpp.server decodes them one after another. About 6-10 minutes on 2 cores; the binary is
# cached in $CACHE/llama-server/<version>/ and reused by every later run. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
BUILD="$VERSION-keep2"  # bump the suffix when the patches below change (agent/embedded_backends.py too)
CACHE="${CAPUCHIN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capuchin}"
DEST="$CACHE/llama-server/$BUILD"
BIN="$DEST/llama-server"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
  say "llama-server $BUILD already built ($BIN)"
  exit 0
fi

PIP=".venv/bin/pip"; [ -x "$PIP" ] || PIP="${PYTHON:-python3} -m pip"
SDIST_DIR="$CACHE/sdist"
mkdir -p "$SDIST_DIR" "$DEST"
SDIST="$SDIST_DIR/llama_cpp_python-$VERSION.tar.gz"
if [ ! -f "$SDIST" ]; then
  say "downloading the llama-cpp-python $VERSION sdist (~75 MB; it vendors llama.cpp)"
  $PIP download -q --no-deps --no-binary :all: -d "$SDIST_DIR" "llama-cpp-python==$VERSION"
fi

WORK="$(mktemp -d "$CACHE/llama-server/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$SDIST" -C "$WORK"
SRC="$WORK/llama_cpp_python-$VERSION/vendor/llama.cpp"
[ -f "$SRC/tools/server/server.cpp" ] || { echo "no llama.cpp server source in $SDIST" >&2; exit 1; }

# One patch: the extra slots of an n>1 request keep the prompt they were given when they finish
# (upstream clears them: "the parent's context is enough"). Capuchin evaluates the prefix a call's
# requests share once, with n = slots, and then needs every slot to hold it; with one KV pool the
# copies share their cells, and full pools still purge idle slots first.
perl -0pi -e 's/if \(task->is_child\(\)\) \{\s*prompt_clear\(\);\s*\}/if (false \&\& task->is_child()) { prompt_clear(); }/' \
  "$SRC/tools/server/server-context.cpp"
grep -q 'if (false && task->is_child())' "$SRC/tools/server/server-context.cpp" \
  || say "warning: the keep-child-prompts patch did not apply; prompt reuse across slots will be lower"

# Two: an n>1 answer's usage counts every choice's tokens. Upstream merges the choices into the
# first result and keeps its usage, so 8 samples were reported as one sample's completion tokens
# (and a solve's token count and the throughput benchmark under-reported batched sampling). The
# prompt was evaluated once, so prompt_tokens stays the first result's.
perl -0pi -e 's/(choices\.push_back\(std::move\(arr\[i\]\["choices"\]\[0\]\)\);)/$1\n                    if (arr[0].contains("usage") \&\& arr[i].contains("usage")) { for (const char * k : {"completion_tokens", "total_tokens"}) { arr[0]["usage"][k] = arr[0]["usage"][k].get<int>() + arr[i]["usage"]["completion_tokens"].get<int>(); } }/' \
  "$SRC/tools/server/server-context.cpp"
grep -q 'for (const char \* k : {"completion_tokens", "total_tokens"})' "$SRC/tools/server/server-context.cpp" \
  || { echo "the n>1 usage patch did not apply to $SRC/tools/server/server-context.cpp" >&2; exit 1; }

say "building llama-server $VERSION (about 6-10 minutes on 2 cores; cached in $DEST)"
start=$(date +%s)
cmake -S "$SRC" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DGGML_NATIVE=ON >"$WORK/cmake.log" 2>&1 \
  || { tail -30 "$WORK/cmake.log" >&2; exit 1; }
cmake --build "$WORK/build" --target llama-server -j "$(nproc)" >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log" >&2; exit 1; }
install -m 755 "$WORK/build/bin/llama-server" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
say "llama-server built in $(( $(date +%s) - start )) s: $BIN"
