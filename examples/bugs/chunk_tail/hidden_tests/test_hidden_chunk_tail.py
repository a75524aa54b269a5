from batchwork import BatchPipeline, chunked


def test_last_partial_chunk_is_kept():
    assert chunked([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunked([1, 2], 5) == [[1, 2]]
    assert chunked([], 3) == []


def test_pipeline_processes_every_record():
    pipeline = BatchPipeline(lambda batch: [x + 1 for x in batch], batch_size=100)
    result = pipeline.run(list(range(250)))
    assert len(result.outputs) == 250
    assert result.batches_run == 3
