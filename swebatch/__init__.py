"""SWE-bench batch runs and evaluation: predictions in the official formats, graded like the official harness.

    capuchin swebench run --dataset D --out RUN_DIR ...      # swebatch.batch (driver), .work (one instance)
    capuchin swebench eval PREDICTIONS --dataset D --run-id R  # swebatch.evaluate, .grading, .report,
                                                               # .cache (cache levels), .lookahead
    capuchin swebench coverage RUN_DIR --dataset D            # swebatch.coverage (benchmarks.curves' math)

Instance images, environment specs, log parsers and validation are the sandbox's own
(``sandbox.swebench``, ``sandbox.swebench_specs``, ``sandbox.parsers``, ``sandbox.validate``).
"""
