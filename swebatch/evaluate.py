"""`capuchin swebench eval`: grade predictions in the sandbox's instance images, as the official harness does.

Per instance: the model patch (minus its edits of the test patch's files), then the test patch,
each applied with the official ladder (``git apply -v``, ``--reject``, ``patch --fuzz=5``); the
test patch's files run; per-test statuses parsed by the sandbox's parsers; graded by
``swebatch.grading``. Everything lands where the official harness puts it::

    logs/run_evaluation/<run_id>/<model>/<instance_id>/
        patch.diff  eval.sh  test_output.txt  report.json  run_instance.log  tests.json
    <model>.<run_id>.json        # the final report, official keys

An existing ``report.json`` skips its instance (resume). ``rewrite_reports`` regrades from the
saved ``test_output.txt`` without running anything. Apply failures and timeouts leave no
``report.json`` and so count as errors, as in the official harness.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agent.core.errors import CapuchinError
from sandbox.docker_backend import DockerSandbox, RunRequest, Warm
from sandbox.engine import REMOVED
from sandbox.runscript import test_seconds, to_result
from sandbox.swebench import InstanceRunner, patch_test_files
from swebatch.cache import CacheLevel, ImageCache, prefetch
from swebatch.data import KEY_MODEL, KEY_PATCH, model_dir
from swebatch.grading import instance_report, without_files
from swebatch.lookahead import Lookahead
from swebatch.report import final_report, write_final_report
from swebatch.signals import sigterm_as_interrupt
from swebatch.tests import TestLists

RUN_LABEL = "capuchin.eval.run"
"""Label on every evaluation container: its run id, so a sweep removes exactly that run's leftovers."""
Status = Literal["resolved", "unresolved", "error", "empty", "not_validated", "done", "interrupted"]


@dataclass
class EvalOptions:
    run_id: str
    log_root: Path = Path("logs/run_evaluation")
    report_dir: Path = Path(".")
    workers: int = 2
    rewrite_reports: bool = False
    cache_level: CacheLevel = "env"
    """As the official --cache_level (``swebatch.cache``): images this run built above it are removed."""


@dataclass
class Outcome:
    instance_id: str
    status: Status
    note: str = ""
    seconds: float = 0.0
    build_s: float = 0.0
    tests_s: float | None = None
    run_s: float = 0.0
    extra: dict = field(default_factory=dict)


def container_name(run_id: str, model: str, instance_id: str) -> str:
    """Unique per prediction: several candidates of one instance are graded in one run (coverage), and a
    container removed in the background may still hold its name when the next one starts."""
    return re.sub(r"[^a-zA-Z0-9_.-]", "_", f"capuchin-eval.{run_id}.{model_dir(model)}.{instance_id}")


class Evaluator:
    """Grades one run's predictions; ``runner`` is None only for ``rewrite_reports`` (nothing runs)."""

    def __init__(self, runner: InstanceRunner | None, tests: TestLists, options: EvalOptions,
                 on_done: Callable[[Outcome], None] = lambda o: None):
        self.runner = runner
        self.tests = tests
        self.options = options
        self.on_done = on_done
        self.cache: ImageCache | None = None
        self.lookahead: Lookahead | None = None
        self.stopping = threading.Event()
        """Set on Ctrl-C/SIGTERM: runs cut short then are not graded (their report would be wrong)."""

    def folder(self, pred: dict) -> Path:
        return self.options.log_root / self.options.run_id / model_dir(pred[KEY_MODEL]) / pred["instance_id"]

    # -- the run ----------------------------------------------------------------------------------
    def evaluate(self, rows: Sequence[dict], preds: dict[str, dict]) -> dict:
        """Grade every row with a prediction (skipping those with a report), then write the final report."""
        todo = [r for r in rows if r["instance_id"] in preds]
        self.sweep()
        self.cache = self._image_cache(todo)
        if self.runner is not None and not self.options.rewrite_reports:
            self.lookahead = Lookahead(todo, lambda row: self._start_warm(row, preds[row["instance_id"]]),
                                       depth=max(1, self.options.workers))
        with sigterm_as_interrupt():
            outcomes = self._grade_all(todo, preds)
        skipped = [o.instance_id for o in outcomes if o.status == "not_validated"]
        report = final_report(rows, preds, self.options.log_root / self.options.run_id, not_validated=skipped)
        write_final_report(report, preds, self.options)
        return report

    def _grade_all(self, todo: list[dict], preds: dict[str, dict]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.workers)) as pool:
                futures = [pool.submit(self.one, row, preds[row["instance_id"]]) for row in todo]
                try:
                    for fut in futures:
                        outcomes.append(fut.result())
                        self.on_done(outcomes[-1])
                except KeyboardInterrupt:  # stop waiting: kill this run's containers, keep what is written
                    self.stopping.set()
                    for fut in futures:
                        fut.cancel()
                    self.sweep()
                    if self.runner is not None:  # image builds too: the pool would wait minutes for them
                        self.runner.sandbox.kill_running()
                    raise
        finally:
            self.close()
        return outcomes

    def one(self, row: dict, pred: dict) -> Outcome:
        """Grade one prediction; never raises for a build or run failure (that is the outcome)."""
        iid, start = row["instance_id"], time.monotonic()
        patch = pred.get(KEY_PATCH)
        if not patch:
            return Outcome(iid, "empty")
        lists = self.tests.lists(row)
        if lists is None:
            return Outcome(iid, "not_validated", self.tests.why_not(row))
        folder = self.folder(pred)
        if self.options.rewrite_reports:
            return self._regrade(row, pred, folder, lists)
        if (folder / "report.json").is_file():
            return Outcome(iid, "done", "report.json exists (resume)")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "patch.diff").write_text(patch, encoding="utf-8")
        try:
            outcome = self._run(row, pred, folder, lists)
        except Exception as exc:  # noqa: BLE001 - a build that failed, Docker gone, an engine error (a 409):
            # an error of this instance, as the harness counts it, not of the run; one killed by an
            # interrupt is 'interrupted' (no report either way, so a resume grades it)
            note = str(exc) if isinstance(exc, CapuchinError) else f"{type(exc).__name__}: {exc}"
            outcome = Outcome(iid, "interrupted" if self.stopping.is_set() else "error", note[-1500:])
        outcome.seconds = time.monotonic() - start
        _log(folder, outcome)
        return outcome

    def _request(self, row: dict, pred: dict, warm: Warm | None = None) -> RunRequest:
        """The grading run: the model patch minus its test-file edits, then the test patch; the official ladder."""
        assert self.runner is not None
        files = patch_test_files(row["test_patch"])
        patch = without_files(pred[KEY_PATCH], files)
        return self.runner.request(row, [patch, row["test_patch"]], files, apply="swebench",
                                   name=container_name(self.options.run_id, pred[KEY_MODEL], row["instance_id"]),
                                   labels={RUN_LABEL: self.options.run_id}, remove_later=True, warm=warm)

    def _start_warm(self, row: dict, pred: dict) -> Warm | None:
        """For the lookahead: a waiting container, only for an instance that will run on a built image."""
        assert self.runner is not None
        if (not pred.get(KEY_PATCH) or self.stopping.is_set() or (self.folder(pred) / "report.json").is_file()
                or (self.tests.runner is None and self.tests.lists(row) is None)
                or not self.runner.sandbox.builder.exists(self.runner.layer_tags(row)["instance"])):
            return None
        return self.runner.sandbox.start_warm(self._request(row, pred))

    def _run(self, row: dict, pred: dict, folder: Path, lists: tuple[list[str], list[str]]) -> Outcome:
        assert self.runner is not None
        t0 = time.monotonic()
        req = self._request(row, pred, self.lookahead.take(row) if self.lookahead else None)
        files = list(req.tests)
        build_s = time.monotonic() - t0
        (folder / "eval.sh").write_text(DockerSandbox.script_for(req, self.runner.sandbox.config.max_file_mb),
                                         encoding="utf-8")
        result = self.runner.sandbox.run_in_image(req)
        if self.stopping.is_set():  # its container was killed under it: no verdict, graded on resume
            return Outcome(row["instance_id"], "interrupted", "stopped by Ctrl-C or SIGTERM")
        (folder / "test_output.txt").write_text(result.output, encoding="utf-8")
        if result.output.startswith(REMOVED):  # graded, it would read as every test failed
            (folder / "report.json").unlink(missing_ok=True)
            return Outcome(row["instance_id"], "error",
                           "its container was removed before the tests' output was read (another process "
                           "sweeping this run id?); no verdict, graded again on resume")
        meta = {"parser": req.env.parser, "tests": list(files), "exit_code": result.exit_code,
                "timed_out": result.timed_out, "duration_s": result.duration_s}
        (folder / "tests.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if self.cache:
            self.cache.graded(row)
        outcome = self._grade(row, pred, folder, lists, meta)
        outcome.build_s, outcome.run_s = build_s, result.duration_s
        outcome.tests_s = test_seconds(result.output)
        return outcome

    def _regrade(self, row: dict, pred: dict, folder: Path, lists: tuple[list[str], list[str]]) -> Outcome:
        try:
            meta = json.loads((folder / "tests.json").read_text())
        except (OSError, json.JSONDecodeError):
            return Outcome(row["instance_id"], "error", "no saved test output to regrade")
        return self._grade(row, pred, folder, lists, meta)

    def _grade(self, row: dict, pred: dict, folder: Path, lists: tuple[list[str], list[str]],
               meta: dict) -> Outcome:
        output = (folder / "test_output.txt").read_text(encoding="utf-8")
        result = to_result(output, exit_code=meta["exit_code"], timed_out=meta["timed_out"],
                           duration_s=meta["duration_s"], parser=meta["parser"], tests=meta["tests"])
        iid = row["instance_id"]
        if result.timed_out or not result.applied:
            (folder / "report.json").unlink(missing_ok=True)
            return Outcome(iid, "error", "timed out" if result.timed_out else "patch did not apply")
        f2p, p2p = lists
        report = instance_report(iid, pred[KEY_PATCH], applied=True, statuses=result.tests,
                                 fail_to_pass=f2p, pass_to_pass=p2p)
        (folder / "report.json").write_text(json.dumps(report, indent=4), encoding="utf-8")
        return Outcome(iid, "resolved" if report[iid]["resolved"] else "unresolved")

    # -- containers and images --------------------------------------------------------------------
    def sweep(self) -> int:
        """Remove this run's containers (left by a crash, or still running on Ctrl-C)."""
        if self.runner is None:
            return 0
        from sandbox import engine

        client = self.runner.sandbox.client
        mine = client.containers.list(all=True, ignore_removed=True,
                                      filters={"label": f"{RUN_LABEL}={self.options.run_id}"})
        for c in mine:
            engine._remove(c)
        return len(mine)

    def _image_cache(self, todo: list[dict]) -> ImageCache | None:
        if self.runner is None or self.options.rewrite_reports:
            return None
        sandbox = self.runner.sandbox
        prefetch(todo, self.runner.layer_tags)
        return ImageCache(sandbox.client, self.options.cache_level, self.runner.layer_tags, sandbox.reaper.later,
                          given=bool(sandbox.config.instance_image))

    def close(self) -> None:
        """Stop the lookahead, wait for the background removals, drop the images the cache level does
        not keep, sweep."""
        if self.lookahead is not None:
            self.lookahead.close()
        if self.runner is not None:
            self.runner.sandbox.reaper.drain()
        if self.cache is not None:
            self.cache.finish()
        self.sweep()


def _log(folder: Path, outcome: Outcome) -> None:
    """run_instance.log: what happened and how long each part took."""
    lines = [f"{time.strftime('%Y-%m-%d %H:%M:%S')} {outcome.instance_id}: {outcome.status} {outcome.note}".rstrip(),
             f"seconds={outcome.seconds:.2f} build_s={outcome.build_s:.2f} run_s={outcome.run_s:.2f} "
             f"tests_s={outcome.tests_s if outcome.tests_s is None else round(outcome.tests_s, 2)}"]
    with (folder / "run_instance.log").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
