"""Which images an evaluation keeps: the official harness's ``--cache_level``, as a pure rule and a
small bookkeeper around it.

Levels, from keeping least to most: ``none`` (remove every image this run built), ``base`` (keep base
images), ``env`` (keep base and environment images), ``instance`` (keep everything). As in the
official ``should_remove``, an image that existed before the run is never removed: an evaluation
does not throw away what another run (or a `sandbox validate`) built. Instance images go right after
their instance is graded; environment and base images at the end of the run, once no instance can
need them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import Any, Literal

CacheLevel = Literal["none", "base", "env", "instance"]
Layer = Literal["base", "env", "instance"]
KEPT: dict[str, tuple[Layer, ...]] = {"none": (), "base": ("base",), "env": ("base", "env"),
                                      "instance": ("base", "env", "instance")}


def should_remove(layer: Layer, level: CacheLevel, existed_before: bool) -> bool:
    """The official rule: a layer above the cache level goes, unless it was there before the run."""
    return layer not in KEPT[level] and not existed_before


def image_tags(client: Any) -> set[str]:
    """Every tag the engine has now."""
    return {t for image in client.images.list() for t in image.tags}


class ImageCache:
    """Applies a cache level over one evaluation run (thread-safe: grading workers share it).

    ``layers(row)`` gives an instance's tags per layer; ``later`` runs a removal off the grading path
    (the sandbox's reaper, after the instance's container is gone)."""

    def __init__(self, client: Any, level: CacheLevel, layers: Callable[[dict], dict[str, str]],
                 later: Callable[[Callable[[], object]], None], *, given: bool = False):
        self.client = client
        self.level = level
        self.layers = layers
        self.later = later
        self.given = given
        """Images given by configuration (a registry's) are never removed."""
        self.prior: set[str] = set() if given or level == "instance" else image_tags(client)
        self.used: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def graded(self, row: dict) -> None:
        """An instance is done with its image: drop it when the level says so."""
        tags = self.layers(row)
        with self._lock:
            self.used[row["instance_id"]] = tags
        if self._goes("instance", tags["instance"]):
            self.later(lambda: self._remove(tags["instance"]))

    def finish(self) -> list[str]:
        """End of the run: drop the environment and base images it built that the level does not keep."""
        with self._lock:
            used = list(self.used.values())
        gone = []
        for layer in ("env", "base"):
            for tag in dict.fromkeys(t[layer] for t in used):
                if self._goes(layer, tag) and self._remove(tag):
                    gone.append(tag)
        return gone

    def _goes(self, layer: Layer, tag: str) -> bool:
        return not self.given and should_remove(layer, self.level, tag in self.prior)

    def _remove(self, tag: str) -> bool:
        import docker

        with contextlib.suppress(docker.errors.APIError):  # in use by another run, or already gone
            self.client.images.remove(tag, noprune=False)
            return True
        return False


def prefetch(rows: Iterable[dict], layers: Callable[[dict], dict[str, str]]) -> threading.Thread:
    """Work out each instance's layer tags ahead of grading, on a thread: reading a version from git
    costs 0.1-0.4 s per instance, which overlaps with the previous instance's tests this way."""
    def run() -> None:
        for row in rows:
            with contextlib.suppress(Exception):  # the grading path reports the same error properly
                layers(row)

    thread = threading.Thread(target=run, name="capuchin-eval-prefetch", daemon=True)
    thread.start()
    return thread
