"""batchwork: run a function over records in fixed-size batches."""

from batchwork.chunks import chunked, sliding_windows
from batchwork.pipeline import BatchPipeline, BatchResult
from batchwork.retry import RetryPolicy

__all__ = ["BatchPipeline", "BatchResult", "RetryPolicy", "chunked", "sliding_windows"]
