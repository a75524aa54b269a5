"""`capuchin sandbox doctor`: what environment Capuchin infers for a repository, and whether
its test suite runs there (built once, run once, counted)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.core.errors import SandboxError
from sandbox.health import RunHealth, diagnose
from sandbox.infer import Inference, infer

HEALTHY_PASS_RATE = 0.9


@dataclass
class DoctorReport:
    repo: str
    inference: dict
    image: str | None = None
    build_s: float = 0.0
    run_s: float = 0.0
    build_warnings: list[str] = field(default_factory=list)
    health: RunHealth | None = None
    problem: str | None = None
    """Why the suite cannot be trusted here (a failed install, nothing collected, nothing passed)."""
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None and self.health is not None

    def as_dict(self) -> dict:
        return {"repo": self.repo, "ok": self.ok, "problem": self.problem, "image": self.image,
                "build_s": round(self.build_s, 1), "run_s": round(self.run_s, 1),
                "build_warnings": self.build_warnings, "inference": self.inference,
                "suite": self.health.as_dict() if self.health else None}


def run_doctor(repo: Path, sandbox: Any, *, timeout_s: float | None = None, run: bool = True,
               log: Callable[[str], None] = lambda _: None) -> DoctorReport:
    """Infer, build the image (``sandbox``: a DockerSandbox), and run the whole suite once."""
    inference = infer(repo)
    report = DoctorReport(repo=str(repo), inference=inference.describe())
    for line in describe_lines(inference):
        log(line)
    started = time.monotonic()
    try:
        report.image = sandbox.image_for(repo)
    except SandboxError as exc:
        report.build_s = time.monotonic() - started
        report.problem = f"the environment did not build (install failed): {exc.message.splitlines()[0]}"
        report.log_tail = exc.message[-3000:]
        return report
    report.build_s = time.monotonic() - started
    from sandbox.images import build_warnings

    report.build_warnings = build_warnings(report.image)
    if not run:
        return report
    log(f"running the suite in {report.image} ...")
    result = sandbox.run(repo, tests=list(inference.test_paths), timeout_s=timeout_s)
    report.run_s = result.duration_s
    report.health = diagnose(result)
    report.problem = report.health.problem
    report.log_tail = result.output[-3000:]
    return report


def describe_lines(inference: Inference) -> list[str]:
    d = inference.describe()
    lines = [f"python      {d['python']}  ({d['python_reason']})"]
    if d["python_warning"]:
        lines.append(f"  warning: {d['python_warning']}")
    lines += [f"install     {e}" for e in d["install_evidence"] or ["the project alone"]]
    lines.append(f"tests       {d['test_command']} {' '.join(d['test_paths'])}".rstrip()
                 + (f"  (config: {d['pytest_config']})" if d["pytest_config"] else "  (no pytest config)"))
    if d["excluded_trees"]:
        lines.append(f"left out    {', '.join(d['excluded_trees'])} (example/docs trees the test config does not name)")
    if d["compiled_extensions"]:
        lines.append("compiles    C/Cython extensions: builds share a ccache, so a later commit recompiles only what changed")
    if d["system_packages"]:
        lines.append(f"system      {', '.join(d['system_packages'])} (what the CI apt-installs; where Debian has them)")
    lines += [f"services    {s}" for s in d["services"]]
    lines.append(f"keyed by    {', '.join(d['inferred_from']) or '(no configuration files)'}")
    return lines


def summary_lines(report: DoctorReport) -> list[str]:
    lines = [f"build       {report.image or 'failed'} ({report.build_s:.0f} s)"]
    lines += [f"  {w}" for w in report.build_warnings]
    if report.health:
        h = report.health
        lines.append(f"suite       {h.passed}/{h.collected} passed ({h.pass_rate:.0%}), {h.failed} failed, "
                     f"{h.errors} errors, {h.skipped} skipped in {report.run_s:.0f} s")
        lines += [f"  not collected: {path}: {why}" for path, why in list(h.uncollectable.items())[:10]]
    if report.problem:
        lines.append(f"problem     {report.problem}")
    elif report.health and report.health.pass_rate < HEALTHY_PASS_RATE:
        lines.append(f"note        fewer than {HEALTHY_PASS_RATE:.0%} of the collected tests pass here; "
                     "failing tests are left out of regression checks")
    return lines
