"""Mining (message, changed definition) pairs from git, and contrastive training of the static encoder."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from retrieval.train.mine import main as mine_main
from retrieval.train.mine import touched

SOURCE = '''import os


class Reader:
    """Reads things."""

    def open(self, path):
        return os.open(path)

    def close(self):
        pass


def helper(x):
    return x + 1
'''


def test_touched_picks_the_innermost_definition():
    found = dict(touched(SOURCE, ((8, 8), (15, 15))))
    assert set(found) == {"Reader.open", "helper"}
    assert found["Reader.open"].startswith("Reader.open: def open(self, path):\n    def open(self, path):")


def test_touched_skips_module_level_lines_and_bad_source():
    assert touched(SOURCE, ((1, 1),)) == []
    assert touched("def broken(:\n", ((1, 1),)) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def test_mine_writes_pairs_from_a_mirror(tmp_path):
    work = tmp_path / "work"
    (work / "pkg").mkdir(parents=True)
    (work / "tests").mkdir()
    _git(tmp_path, "init", "-q", str(work))
    (work / "pkg" / "io.py").write_text(SOURCE)
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "Add the reader module")
    (work / "pkg" / "io.py").write_text(SOURCE.replace("return x + 1", "return x + 2"))
    (work / "tests" / "test_io.py").write_text("def test_x():\n    pass\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "Fix off by one in the helper")
    mirrors = tmp_path / "mirrors" / "me+proj"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirrors / "repo")], check=True)
    out = tmp_path / "pairs.jsonl.gz"
    assert mine_main(["--mirrors", str(tmp_path / "mirrors"), "--repos", "me/proj", "--out", str(out)]) == 0
    with gzip.open(out, "rt") as fh:
        rows = [json.loads(line) for line in fh]
    fix = [r for r in rows if r["text"] == "Fix off by one in the helper"]
    assert [r["qualname"] for r in fix] == ["helper"]  # the test file is not mined
    manifest = json.loads((tmp_path / "pairs.manifest.json").read_text())
    assert manifest["repositories"]["me/proj"]["pairs"] == len(rows)


@pytest.mark.slow
def test_training_pulls_matching_pairs_together(tmp_path):
    """A tiny run on CPU: after training, each message is nearest its own code on held-out pairs."""
    pytest.importorskip("torch")
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers

    from retrieval.train.train_static import main as train_main

    topics = [f"w{i}" for i in range(40)]
    vocab = {"[UNK]": 0, **{f"{t}{s}": n for n, (t, s) in enumerate(((t, s) for t in topics for s in "ab"), 1)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    init = tmp_path / "init"
    init.mkdir()
    tok.save(str(init / "tokenizer.json"))
    rng = np.random.default_rng(0)
    save_file({"embeddings": rng.normal(size=(len(vocab), 8)).astype(np.float32)}, str(init / "model.safetensors"))
    pairs = tmp_path / "p.jsonl.gz"
    with gzip.open(pairs, "wt") as fh:
        for n in range(400):
            t = topics[n % 40]
            fh.write(json.dumps({"repo": "r", "commit": str(n), "text": f"{t}a", "code": f"{t}b"}) + "\n")
    out = tmp_path / "out"
    assert train_main(["--pairs", str(pairs), "--init", str(init), "--out", str(out), "--epochs", "30",
                       "--batch", "16", "--lr", "0.05", "--held-out", "0.1"]) == 0
    report = json.loads((out / "training.json").read_text())
    assert report["val_recall_after"]["1"] > report["val_recall_before"]["1"]
    assert (out / "model.safetensors").exists()
    assert (out / "tokenizer.json").exists()


def test_a_trained_static_model_is_loaded_as_it_is(tmp_path):
    """A model2vec directory (the trained encoder) must not be sent through distillation again."""
    from retrieval.embed import is_static_model

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "model2vec"}))
    (tmp_path / "model.safetensors").write_bytes(b"x")
    assert is_static_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    assert not is_static_model(tmp_path)
    assert not is_static_model(tmp_path / "missing")
