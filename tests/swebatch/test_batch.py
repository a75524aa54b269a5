"""The batch driver's bookkeeping with in-process work: statuses, resume, retries, Ctrl-C, timeouts."""

from __future__ import annotations

import json
import threading
import time

import pytest

from agent.core.errors import EndpointUnreachable, InputError
from swebatch.batch import BatchRun, RunOptions
from swebatch.executors import LocalPool
from swebatch.records import Record, all_records, read_record
from swebatch.work import classify

ROWS = [{"instance_id": f"o__r-{i}"} for i in range(5)]


class FakeWork:
    """solved with patch 'p<i>' for even ids, no_candidate for odd; ``fail`` ids raise the given error."""

    def __init__(self, fail: dict[str, BaseException] | None = None, block: set[str] | None = None):
        self.fail = fail or {}
        self.block = block or set()
        self.calls: list[str] = []
        self.release = threading.Event()

    def __call__(self, row, folder, cancel):
        iid = row["instance_id"]
        self.calls.append(iid)
        if iid in self.block:
            while not cancel.cancelled and not self.release.is_set():
                time.sleep(0.01)
        if iid in self.fail:
            exc = self.fail[iid]
            return Record(instance_id=iid, status=classify(exc), model_name_or_path="m", error=str(exc))
        n = int(iid.rsplit("-", 1)[1])
        status = "solved" if n % 2 == 0 else "no_candidate"
        return Record(instance_id=iid, status=status, model_name_or_path="m", model_patch=f"p{n}" * (n % 2 == 0))


def run(tmp_path, work, rows=ROWS, **kw):
    opts = RunOptions(out=tmp_path / "run", model_name="m", workers=2, min_free_gb=0, **kw)
    return BatchRun(work, LocalPool(2), opts).run(rows)


def predictions(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "run" / "predictions.jsonl").read_text().splitlines()]


def test_statuses_predictions_and_summary(tmp_path):
    work = FakeWork(fail={"o__r-3": EndpointUnreachable("down"), "o__r-4": KeyError("bug")})
    summary = run(tmp_path, work)
    assert summary["statuses"] == {"solved": 2, "no_candidate": 1, "agent_error": 1, "infra_error": 1,
                                   "interrupted": 0}
    preds = predictions(tmp_path)
    # infra errors stay out of the predictions; a failed or unsolved instance predicts an empty patch
    assert [p["instance_id"] for p in preds] == ["o__r-0", "o__r-1", "o__r-2", "o__r-4"]
    assert preds[0] == {"instance_id": "o__r-0", "model_name_or_path": "m", "model_patch": "p0"}
    assert preds[1]["model_patch"] == ""
    assert preds[3]["model_patch"] == ""
    assert json.loads((tmp_path / "run" / "preds.json").read_text())["o__r-2"]["model_patch"] == "p2"
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["error_ids"] == ["o__r-3", "o__r-4"]


def test_resume_skips_complete_instances_and_retry_errors_reruns_only_errors(tmp_path):
    work = FakeWork(fail={"o__r-3": EndpointUnreachable("down")})
    run(tmp_path, work)
    (tmp_path / "run" / "o__r-1" / "record.json").write_text('{"instance_id": "o__r-1", "stat')  # torn write
    (tmp_path / "run" / "predictions.jsonl").unlink()
    again = FakeWork()
    run(tmp_path, again)
    assert again.calls == ["o__r-1"]  # the unparsable record is not complete
    assert len(predictions(tmp_path)) == 4  # regenerated; o__r-3 (infra error) still out
    retry = FakeWork()
    summary = run(tmp_path, retry, retry_errors=True)
    assert retry.calls == ["o__r-3"]
    assert summary["statuses"]["infra_error"] == 0
    assert read_record(tmp_path / "run" / "o__r-3").attempt == 2
    redo = FakeWork()
    run(tmp_path, redo, redo=True)
    assert sorted(redo.calls) == [r["instance_id"] for r in ROWS]
    assert len({p["instance_id"] for p in predictions(tmp_path)}) == len(predictions(tmp_path)) == 5


def test_ctrl_c_marks_instances_in_flight_interrupted_and_they_rerun(tmp_path):
    work = FakeWork(block={"o__r-0", "o__r-1"})
    opts = RunOptions(out=tmp_path / "run", model_name="m", workers=2, min_free_gb=0)
    batch = BatchRun(work, LocalPool(2), opts)
    original = batch._expire

    def interrupt_once_both_run(inflight):
        if len(work.calls) == 2:
            raise KeyboardInterrupt
        original(inflight)

    batch._expire = interrupt_once_both_run
    with pytest.raises(KeyboardInterrupt):
        batch.run(ROWS)
    records = all_records(tmp_path / "run")
    assert {i: r.status for i, r in records.items()} == {"o__r-0": "interrupted", "o__r-1": "interrupted"}
    assert predictions(tmp_path) == []
    again = FakeWork()
    assert run(tmp_path, again)["statuses"]["interrupted"] == 0
    assert len(again.calls) == 5


def test_an_instance_past_its_timeout_is_cancelled_and_recorded(tmp_path):
    work = FakeWork(block={"o__r-0"})
    summary = run(tmp_path, work, rows=ROWS[:2], instance_timeout_s=0.2)
    record = read_record(tmp_path / "run" / "o__r-0")
    assert record.status == "agent_error"
    assert "timed out" in record.error
    assert summary["statuses"]["no_candidate"] == 1


def test_refuses_to_start_below_the_disk_floor_and_a_second_driver(tmp_path):
    opts = RunOptions(out=tmp_path / "run", model_name="m", min_free_gb=1e9)
    with pytest.raises(InputError, match="free"):
        BatchRun(FakeWork(), LocalPool(1), opts).run(ROWS)
    from swebatch.batch import _lock

    with _lock(tmp_path / "run"), pytest.raises(InputError, match="another"):
        run(tmp_path, FakeWork())
