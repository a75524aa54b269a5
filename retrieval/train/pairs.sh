# Sourced by build.sh and build_rerank.sh: their arguments, and the (commit message, changed
# definition) pairs both models are trained on, mined once into OUT/pairs.jsonl.gz.
# The repositories are the ones the shipped weights were trained on, none of them in the SWE-bench dev set.
set -euo pipefail
MIRRORS=${1:?mirrors directory}
OUT=${2:?output directory}
SEED=${3:-0}
PY=${PYTHON:-python}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPOS=(pallets/click psf/black encode/httpx pydantic/pydantic python-attrs/attrs tiangolo/fastapi
       marshmallow-code/marshmallow aio-libs/aiohttp pallets/werkzeug pallets/jinja Textualize/rich
       tornadoweb/tornado scrapy/scrapy networkx/networkx pypa/pip ipython/ipython)
mkdir -p "$OUT"
[ -f "$OUT/pairs.jsonl.gz" ] || "$PY" "$HERE/mine.py" --mirrors "$MIRRORS" --out "$OUT/pairs.jsonl.gz" \
    --limit 4000 --repos "${REPOS[@]}"
