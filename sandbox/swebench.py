"""SWE-bench instances in the Docker sandbox: build an instance image, run tests with patches."""

from __future__ import annotations

import ast
import functools
import io
import json
import re
import subprocess
import tarfile
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.errors import InputError, SandboxError
from agent.core.types import TestResult
from sandbox.docker_backend import DockerSandbox, RunRequest
from sandbox.specs import InstanceSpec
from sandbox.swebench_specs import mirror_of, repo_version, repos_dir, spec_for

# Files a test patch touches that are data, not tests to run (as the official harness skips them).
NON_TEST_EXTS = (".json", ".png", "csv", ".txt", ".md", ".jpg", ".jpeg", ".pkl", ".yml", ".yaml", ".toml")


LIST_FIELDS = ("touched_tests", "expected_spans", "resolving_patches", "FAIL_TO_PASS", "PASS_TO_PASS")


def load_instances(dataset: Path, ids: Sequence[str] | None = None) -> list[dict]:
    """Rows of a SWE-bench-style dataset file: ``.jsonl``, a ``.json`` list, or ``.parquet`` (as the
    Hugging Face hub stores them). List/dict fields may be JSON or Python-literal strings (the
    official datasets store FAIL_TO_PASS as a JSON string)."""
    dataset = Path(dataset)
    if not dataset.is_file():
        raise InputError(f"dataset {dataset} does not exist")
    rows = [_normalise(row) for row in _read_rows(dataset)]
    if ids:
        by_id = {r["instance_id"]: r for r in rows}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InputError(f"instances not in {dataset}: {', '.join(unknown[:5])}")
        rows = [by_id[i] for i in ids]
    return rows


def _read_rows(dataset: Path) -> list[dict]:
    if dataset.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InputError(f"reading {dataset} needs pyarrow", hint="pip install pyarrow") from None
        return pq.read_table(dataset).to_pylist()
    text = dataset.read_text(encoding="utf-8")
    if dataset.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{dataset}: not JSON ({exc})") from None
        if not isinstance(data, list):
            raise InputError(f"{dataset}: expected a JSON list of instances")
        return data
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{dataset}:{n}: not JSON ({exc})") from None
    return rows


def _normalise(row: dict) -> dict:
    if not isinstance(row, dict) or "instance_id" not in row:
        raise InputError(f"not a SWE-bench instance (no instance_id): {str(row)[:120]}")
    for key in LIST_FIELDS:
        if isinstance(row.get(key), str) and row[key][:1] in "[{":
            try:
                row[key] = json.loads(row[key])
            except json.JSONDecodeError:
                row[key] = ast.literal_eval(row[key])
    return row


def patch_test_files(test_patch: str) -> list[str]:
    """Test files a test patch touches (the official harness runs exactly these)."""
    files = re.findall(r"^diff --git a/.* b/(.*)$", test_patch, re.M)
    return [f for f in dict.fromkeys(files) if not f.endswith(NON_TEST_EXTS)]


def source_tar(repo: str, commit: str, repos: Path) -> bytes:
    """The repository at ``commit`` as a tar (no .git: the image makes its own one-commit repository)."""
    proc = subprocess.run(["git", "-C", str(mirror_of(repo, repos)), "archive", "--format=tar", commit],
                          capture_output=True, check=False)
    if proc.returncode == 0:
        return proc.stdout
    if "invalid object" not in proc.stderr.decode():
        raise InputError(f"cannot read {repo}@{commit}: {proc.stderr.decode()[-500:]}")
    return _tar_skipping_missing_blobs(mirror_of(repo, repos), commit)


def _tar_skipping_missing_blobs(mirror: Path, commit: str) -> bytes:
    """Like `git archive`, but a blob the mirror lacks (large files left out of it) becomes an empty file."""
    listing = subprocess.run(["git", "-C", str(mirror), "ls-tree", "-r", "-z", commit], capture_output=True,
                             check=True).stdout.decode("utf-8", "surrogateescape")
    entries = [(meta.split()[0], meta.split()[2], path) for meta, _, path in
               (e.partition("\t") for e in listing.split("\0") if e) if meta.split()[1] == "blob"]
    batch = subprocess.run(["git", "-C", str(mirror), "cat-file", "--batch"], capture_output=True, check=False,
                           input="".join(f"{sha}\n" for _, sha, _ in entries).encode()).stdout
    buf, pos = io.BytesIO(), 0
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for mode, _sha, path in entries:
            header_end = batch.index(b"\n", pos)
            header = batch[pos:header_end].split()
            pos = header_end + 1
            data = b""
            if header[-1] != b"missing":
                size = int(header[2])
                data, pos = batch[pos:pos + size], pos + size + 1
            info = tarfile.TarInfo(path)
            if mode == "120000":
                info.type, info.linkname = tarfile.SYMTYPE, data.decode()
                tar.addfile(info)
                continue
            info.size, info.mode = len(data), 0o755 if mode == "100755" else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class InstanceRunner:
    """Builds and runs SWE-bench instances on a DockerSandbox."""

    def __init__(self, sandbox: DockerSandbox, timeout_s: float | None = None):
        self.sandbox = sandbox
        self.timeout_s = timeout_s
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.repos = repos_dir(sandbox.config)

    def instance_spec(self, row: dict) -> InstanceSpec:
        return _instance_spec(row["repo"], row["base_commit"], self.repos)

    def layer_tags(self, row: dict) -> dict[str, str]:
        """The tags of the instance's image and the layers below it (``base``, ``env``, ``instance``);
        a given image (``sandbox.instance_image``) is all three (never Capuchin's to remove)."""
        config = self.sandbox.config
        if config.instance_image:
            given = config.instance_image.format(instance_id=row["instance_id"])
            return {"base": given, "env": given, "instance": given}
        spec = self.instance_spec(row)
        return {"base": spec.env.base(config.debian_mirror).tag(config.image_prefix),
                "env": spec.env.env_tag(config.image_prefix, config.debian_mirror),
                "instance": spec.tag(config.image_prefix, config.debian_mirror)}

    def build(self, row: dict) -> str:
        """The instance image's tag (built when missing); environment builds are shared, so serialised."""
        given = self.sandbox.config.instance_image
        if given:
            return self._given_image(given.format(instance_id=row["instance_id"]))
        spec = self.instance_spec(row)
        tag = spec.tag(self.sandbox.config.image_prefix, self.sandbox.config.debian_mirror)
        if self.sandbox.builder.exists(tag):  # the common case once built: one engine call, no lock
            return tag
        with self._lock_for(spec.env.env_tag(self.sandbox.config.image_prefix, self.sandbox.config.debian_mirror)):
            self.sandbox.builder.ensure_env(spec.env)
        return self.sandbox.builder.ensure_instance(spec, lambda: source_tar(row["repo"], row["base_commit"], self.repos))

    def _given_image(self, tag: str) -> str:
        """An image from a registry (e.g. an official SWE-bench instance image), used as is."""
        import docker

        if not self.sandbox.builder.exists(tag):
            try:
                self.sandbox.client.images.pull(tag)
            except docker.errors.APIError as exc:
                raise SandboxError(f"cannot pull {tag}: {exc.explanation or exc}",
                                   hint="unset sandbox.instance_image to build images offline") from None
        return tag

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def request(self, row: dict, patches: Sequence[str], tests: Sequence[str], **extra: Any) -> RunRequest:
        """The run of ``tests`` in the instance image (built when missing) with ``patches`` applied in order;
        ``extra``: further RunRequest fields (cancel token, apply ladder, container name, labels)."""
        env = self.instance_spec(row).env
        image = self.build(row)
        if self.sandbox.config.instance_image:  # its own environment: only the setup lines differ
            env = replace(env, eval_setup=(*self.sandbox.config.image_setup, *env.eval_setup))
        return RunRequest(image=image, env=env, tests=tests, patches=patches, timeout_s=self.timeout_s, **extra)

    def run(self, row: dict, patches: Sequence[str], tests: Sequence[str],
            cancel: CancelToken | None = None) -> TestResult:
        """Run ``tests`` in a fresh container of the instance image with ``patches`` applied in order."""
        return self.sandbox.run_in_image(self.request(row, patches, tests, cancel=cancel))


@functools.lru_cache(maxsize=1024)
def _instance_spec(repo: str, commit: str, repos: Path) -> InstanceSpec:
    """A commit's spec never changes: read its version from git once per process, not per run
    (several `git show` calls a run were a visible part of grading's overhead)."""
    env = spec_for(repo, commit, repos)
    version = ".".join(map(str, repo_version(repo, commit, repos)))
    # setuptools_scm cannot read a version from an archive without .git
    env_vars = {"SETUPTOOLS_SCM_PRETEND_VERSION": f"{version}.0"}
    install = " ".join(f"{k}={v}" for k, v in env_vars.items()) + " " + env.install
    return InstanceSpec(env=replace(env, install=install), source=f"{repo}@{commit}")


def summarize(result: TestResult) -> dict[str, Any]:
    return {"applied": result.applied, "exit_code": result.exit_code, "timed_out": result.timed_out,
            "duration_s": round(result.duration_s, 1), "n_tests": len(result.tests), "error": result.error}


class InstanceSandbox:
    """``agent.core.protocols.Sandbox`` bound to one SWE-bench instance: runs happen in its instance image.

    ``repo`` (the caller's checkout) is not copied in: the image already holds the repository at
    ``base_commit`` with its environment installed, which a generic local-repository image of an
    old scientific stack could not reproduce. With ``with_test_patch`` the upstream test changes
    are applied before the candidate patch, as the official evaluation does.
    """

    def __init__(self, runner: InstanceRunner, row: dict, *, with_test_patch: bool = False):
        self.runner = runner
        self.row = row
        self.with_test_patch = with_test_patch

    def run(self, repo: Path, *, patch: str | None = None, tests: Sequence[str] = (),
            timeout_s: float | None = None, cancel: CancelToken | None = None) -> TestResult:
        patches = [p for p in (patch, self.row["test_patch"] if self.with_test_patch else None) if p]
        runner = InstanceRunner(self.runner.sandbox, timeout_s=timeout_s or self.runner.timeout_s)
        return runner.run(self.row, patches, tests, cancel)
