"""Datasets and predictions in the formats the official harness and SWE-agent use.

A dataset is a local ``.jsonl`` / ``.json`` / ``.parquet`` file in SWE-bench's schema (read by
``sandbox.swebench.load_instances``, the one loader), or a Hugging Face name such as
``princeton-nlp/SWE-bench_Lite`` when the ``datasets`` library and the hub are reachable.

Predictions are ``gold`` (the dataset's own patches), a ``.jsonl`` of
``{instance_id, model_name_or_path, model_patch}``, or a ``.json`` list of those or dict keyed by
instance id (SWE-agent's ``preds.json``).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from agent.core.errors import InputError
from sandbox.swebench import load_instances

KEY_ID, KEY_MODEL, KEY_PATCH = "instance_id", "model_name_or_path", "model_patch"
OFFLINE_HINT = ("use a local copy in SWE-bench's schema (.jsonl, .json or .parquet), e.g. "
                "../shared/data/swebench-dev.jsonl, or the parquet file of the dataset's hub page")


def load_dataset(name: str | Path, split: str = "test") -> list[dict]:
    """Instances of a local dataset file or of a Hugging Face dataset ``name`` (``split``)."""
    path = Path(name)
    if path.exists() or path.suffix in (".jsonl", ".json", ".parquet"):
        return load_instances(path)
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", str(name)):
        raise InputError(f"dataset {name} is neither a file nor a Hugging Face dataset name", hint=OFFLINE_HINT)
    return _from_hub(str(name), split)


def _from_hub(name: str, split: str) -> list[dict]:
    try:
        import datasets
    except ImportError:
        raise InputError(f"loading {name} from the Hugging Face hub needs the `datasets` library",
                         hint="pip install datasets, or " + OFFLINE_HINT) from None
    try:
        rows = [dict(r) for r in datasets.load_dataset(name, split=split)]
    except Exception as exc:  # offline, unknown name, bad split: datasets raises many kinds
        raise InputError(f"cannot load {name} ({split}) from the Hugging Face hub: {type(exc).__name__}: "
                         f"{str(exc)[:300]}", hint=OFFLINE_HINT) from None
    return [_decode_lists(r) for r in rows]


def _decode_lists(row: dict) -> dict:
    for key in ("FAIL_TO_PASS", "PASS_TO_PASS"):  # the hub stores them as JSON strings
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def select(rows: Sequence[dict], *, pattern: str | None = None, ids: Sequence[str] | None = None,
           slice_: str | None = None, shuffle: bool = False, seed: int = 0) -> list[dict]:
    """Filter by id regex and/or id list, shuffle (seeded), then slice ``start:stop`` (SWE-agent's order)."""
    chosen = list(rows)
    if pattern:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise InputError(f"--instances {pattern!r} is not a regular expression: {exc}") from None
        chosen = [r for r in chosen if rx.search(r[KEY_ID])]
    if ids is not None:
        known = {r[KEY_ID] for r in rows}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InputError(f"{len(unknown)} instance ids are not in the dataset: {', '.join(unknown[:5])}")
        wanted = set(ids)
        chosen = [r for r in chosen if r[KEY_ID] in wanted]
    if shuffle:
        random.Random(seed).shuffle(chosen)
    if slice_:
        chosen = chosen[_parse_slice(slice_)]
    return chosen


def _parse_slice(text: str) -> slice:
    parts = text.split(":")
    try:
        nums = [int(p) if p.strip() else None for p in parts]
    except ValueError:
        raise InputError(f"--slice {text!r}: expected START:STOP, e.g. 0:50") from None
    if not 1 <= len(nums) <= 3:
        raise InputError(f"--slice {text!r}: expected START:STOP, e.g. 0:50")
    return slice(*nums) if len(nums) > 1 else slice(nums[0])


def read_ids(path: Path) -> list[str]:
    """One instance id per line (blank lines and # comments ignored)."""
    if not path.is_file():
        raise InputError(f"instance id file {path} does not exist")
    return [s for line in path.read_text().splitlines() if (s := line.split("#", 1)[0].strip())]


def load_predictions(source: str, rows: Sequence[dict]) -> dict[str, dict]:
    """Predictions keyed by instance id, from ``gold`` or a .jsonl / .json (list or dict) file."""
    if source == "gold":
        return {r[KEY_ID]: {KEY_ID: r[KEY_ID], KEY_MODEL: "gold", KEY_PATCH: r["patch"]} for r in rows}
    path = Path(source)
    if not path.is_file():
        raise InputError(f"predictions file {path} does not exist", hint="or pass `gold` for the dataset's patches")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".jsonl":
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            # preds.json: a dict keyed by id, whose values may lack the id
            items = [{KEY_ID: k} | v for k, v in data.items()] if isinstance(data, dict) else data
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    return {p[KEY_ID]: p for p in (_check_prediction(p, path) for p in items)}


def _check_prediction(pred: object, path: Path) -> dict:
    if not isinstance(pred, dict) or KEY_ID not in pred:
        raise InputError(f"{path}: a prediction without instance_id: {str(pred)[:120]}")
    missing = [k for k in (KEY_MODEL, KEY_PATCH) if k not in pred]
    if missing:
        raise InputError(f"{path}: prediction {pred[KEY_ID]} lacks {', '.join(missing)}")
    return pred


def model_dir(model: str) -> str:
    """The folder name the official harness gives a model (``/`` is not allowed in one)."""
    return model.replace("/", "__")
