"""`capuchin sandbox gc`: remove leftover containers and stale images, found by label."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from sandbox import engine
from sandbox.labels import LABEL, owner_alive

# Base images take minutes of debootstrap; they go only when asked for by name.
KEEP_LAYERS = {"base"}


def collect(client: Any, *, max_age_h: float, dry_run: bool = False, include_base: bool = False) -> dict:
    """Remove Capuchin containers whose owner is gone or that stopped, and images older than ``max_age_h``."""
    report: dict[str, list[str]] = {"containers": [], "images": []}
    for c in client.containers.list(all=True, ignore_removed=True, filters={"label": LABEL}):
        if owner_alive(c.labels) and c.status in {"created", "running"}:
            continue  # a run in progress in a live process
        report["containers"].append(c.name)
        if not dry_run:
            engine._remove(c)
    cutoff = time.time() - max_age_h * 3600
    in_use = {c.attrs.get("Image") for c in client.containers.list(all=True, ignore_removed=True)}
    for image in client.images.list(filters={"label": LABEL}):
        layer = image.labels.get(LABEL, "")
        if (layer in KEEP_LAYERS and not include_base) or image.id in in_use:
            continue
        if _created(image) > cutoff:
            continue
        report["images"] += image.tags or [image.short_id]
        if not dry_run:
            _remove_image(client, image)
    if not dry_run:
        client.images.prune(filters={"dangling": True, "label": LABEL})
    return report


def _created(image: Any) -> float:
    from datetime import datetime

    raw = image.attrs.get("Created", "")
    try:  # e.g. 2026-11-29T19:20:00.123456789Z: Python parses at most microseconds
        head, _, frac = raw.rstrip("Z").partition(".")
        return datetime.fromisoformat(head + "+00:00").timestamp()
    except ValueError:
        return 0.0


def _remove_image(client: Any, image: Any) -> None:
    import docker

    for tag in image.tags or [image.id]:
        # still used by a child layer: the next gc gets it
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(tag, noprune=False)
