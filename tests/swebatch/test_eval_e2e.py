"""`swebench eval` on a real dev-set instance in its real image: the gold patch resolves, a patch that
fixes nothing does not, an empty one never runs, one that does not apply is an error
(psf__requests-1142)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]

# shared/ lies beside the clone (CI, /work/main) or beside the worktrees' folder (/work/wt/<branch>)
SHARED = next((p / "shared" / "data" / "swebench-dev.jsonl" for p in Path(__file__).resolve().parents[3:5]
               if (p / "shared" / "data" / "swebench-dev.jsonl").is_file()), Path("shared/data/swebench-dev.jsonl"))
VALIDATION = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "validate-dev.jsonl"
REPOS = Path(os.environ.get("CAPUCHIN_SANDBOX__REPOS", "/work/.mirror"))
INSTANCE = "psf__requests-1142"


def test_gold_resolves_and_bad_patches_do_not(tmp_path):
    from sandbox.config import SandboxConfig
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available
    from sandbox.swebench import InstanceRunner
    from swebatch.data import load_dataset, select
    from swebatch.evaluate import EvalOptions, Evaluator
    from swebatch.tests import TestLists

    if not docker_available() or not SHARED.is_file() or not (REPOS / "psf+requests").exists():
        pytest.skip("needs Docker, the dev set and the psf/requests history")
    row = select(load_dataset(SHARED), ids=[INSTANCE])[0]
    runner = InstanceRunner(DockerSandbox(SandboxConfig(backend="docker", repos=str(REPOS))), timeout_s=600)
    harmless = ("diff --git a/capuchin_noop.py b/capuchin_noop.py\nnew file mode 100644\n--- /dev/null\n"
                "+++ b/capuchin_noop.py\n@@ -0,0 +1 @@\n+x = 1\n")
    cases = {"gold": row["patch"], "empty": "", "harmless": harmless,
             "garbage": "diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n"}
    results = {}
    for model, patch in cases.items():
        options = EvalOptions(run_id="e2e", log_root=tmp_path / "logs", report_dir=tmp_path, cache_level="instance")
        pred = {"instance_id": INSTANCE, "model_name_or_path": model, "model_patch": patch}
        results[model] = Evaluator(runner, TestLists(VALIDATION), options).evaluate([row], {INSTANCE: pred})
    assert results["gold"]["resolved_ids"] == [INSTANCE]
    assert results["empty"]["empty_patch_ids"] == [INSTANCE]
    assert results["harmless"]["unresolved_ids"] == [INSTANCE]  # applies, fixes nothing
    assert results["garbage"]["error_ids"] == [INSTANCE]  # does not apply: no report.json, an error
    folder = tmp_path / "logs" / "e2e" / "gold" / INSTANCE
    assert "git apply -v --reject" in (folder / "eval.sh").read_text()
    assert json.loads((folder / "report.json").read_text())[INSTANCE]["tests_status"]["FAIL_TO_PASS"]["failure"] == []
