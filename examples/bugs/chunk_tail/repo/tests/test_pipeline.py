import pytest

from batchwork import BatchPipeline, RetryPolicy


def test_pipeline_outputs_and_progress():
    progress = []
    pipeline = BatchPipeline(lambda batch: [x * 10 for x in batch], batch_size=2,
                             on_progress=lambda done, total: progress.append((done, total)))
    result = pipeline.run([1, 2, 3, 4])
    assert result.outputs == [10, 20, 30, 40]
    assert progress == [(1, 2), (2, 2)]


def test_retry_then_success():
    calls = []

    def flaky(batch):
        calls.append(1)
        if len(calls) < 3:
            raise IOError("transient")
        return batch

    pipeline = BatchPipeline(flaky, batch_size=3, retry=RetryPolicy(attempts=3))
    pipeline.sleep = lambda seconds: None
    assert pipeline.run([1, 2, 3]).outputs == [1, 2, 3]
    assert len(calls) == 3


def test_failed_batch_recorded():
    def fail_on_three(batch):
        if 3 in batch:
            raise RuntimeError("bad record")
        return batch

    result = BatchPipeline(fail_on_three, batch_size=2).run([1, 2, 3, 4, 5, 6])
    assert result.failed_batches == [1]
    assert result.outputs == [1, 2, 5, 6]


def test_retry_delays_are_capped():
    policy = RetryPolicy(base_delay=1, max_delay=3)
    assert [policy.delay(n) for n in range(4)] == [1, 2, 3, 3]
    with pytest.raises(KeyError):
        RetryPolicy(attempts=2, retry_on=(KeyError,)).call(lambda: {}["x"], sleep=lambda s: None)
