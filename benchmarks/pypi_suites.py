"""Spec-less environments on real projects: popular pure-Python releases from PyPI (sdists),
each given only its source, as a user's checkout would be. Capuchin infers the environment,
builds it and runs the project's own suite once (``capuchin sandbox doctor``); the figure is
tests passing / collected per project (goal of issue #18: >= 90% for at least 8 of 10).

    python -m benchmarks.pypi_suites [--projects six idna ...] [--out FILE] [--workdir DIR]

Results go to ``benchmarks/results/pypi-suites.json`` (per project: the inference, the build
warnings, the counts, the problem if any, times), with the run's arguments and machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

# One release each, chosen when this benchmark was written (November 2026 machines, Python 3.11
# and 3.9 base images); pinned so that the figures can be compared over time.
PROJECTS = {
    "six": "1.16.0", "idna": "3.10", "itsdangerous": "2.2.0", "more-itertools": "10.5.0",
    "markupsafe": "2.1.5", "packaging": "24.1", "click": "8.1.7", "attrs": "24.2.0",
    "flask": "3.0.3", "requests": "2.32.3", "jinja2": "3.1.4", "toolz": "1.0.0",
    "python-dateutil": "2.9.0.post0", "pyparsing": "3.1.4",
}
GOAL_RATE = 0.9
RESULTS = Path(__file__).parent / "results" / "pypi-suites.json"


def fetch_sdist(name: str, version: str, workdir: Path) -> Path:
    """The release's source unpacked under ``workdir`` (downloaded once; pip needs only PyPI)."""
    dl = workdir / "sdists"
    dl.mkdir(parents=True, exist_ok=True)

    def found() -> list[Path]:  # sdist names vary: MarkupSafe-2.1.5, more_itertools-10.5.0, ...
        stem = f"{name}-{version}".lower().replace("_", "-")
        return [p for p in dl.glob("*.tar.gz") if p.name.lower().replace("_", "-").startswith(stem)]

    if not found():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", str(dl), f"{name}=={version}"], check=True)
    if not found():
        raise RuntimeError(f"pip download of {name}=={version} left no sdist in {dl}")
    archive = found()[0]
    src = workdir / "src"
    with tarfile.open(archive) as tar:
        top = tar.getnames()[0].split("/")[0]
        if not (src / top).is_dir():
            tar.extractall(src, filter="data")
    return src / top


def run_project(name: str, version: str, workdir: Path, sandbox, timeout_s: float) -> dict:
    from sandbox.doctor import run_doctor

    started = time.monotonic()
    repo = fetch_sdist(name, version, workdir)
    report = run_doctor(repo, sandbox, timeout_s=timeout_s, log=lambda line: print(f"  {line}", flush=True))
    row = {"project": name, "version": version, **report.as_dict(), "seconds": round(time.monotonic() - started, 1)}
    row["repo"] = repo.name
    if not report.ok:
        row["log_tail"] = report.log_tail[-1500:]
    return row


def summarise(rows: list[dict]) -> dict:
    rates = [r["suite"]["pass_rate"] if r["suite"] else 0.0 for r in rows]
    return {"projects": len(rows), "at_goal": sum(rate >= GOAL_RATE for rate in rates),
            "goal": f">= {GOAL_RATE:.0%} of collected tests pass for at least 8 of 10 projects",
            "median_pass_rate": round(statistics.median(rates), 4) if rates else None,
            "tests_passed": sum(r["suite"]["passed"] for r in rows if r["suite"]),
            "tests_collected": sum(r["suite"]["collected"] for r in rows if r["suite"])}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--projects", nargs="*", default=list(PROJECTS), help="names from PROJECTS (default: all)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "capuchin" / "pypi-suites")
    ap.add_argument("--timeout", type=float, default=900.0, help="suite run limit per project (s)")
    ap.add_argument("--merge", action="store_true", help="keep the other projects' rows already in --out "
                    "(re-measure a few projects)")
    args = ap.parse_args(argv)
    unknown = [p for p in args.projects if p not in PROJECTS]
    if unknown:
        ap.error(f"unknown projects {unknown}; known: {', '.join(PROJECTS)}")

    from sandbox.config import SandboxConfig
    from sandbox.docker_backend import DockerSandbox

    sandbox = DockerSandbox(SandboxConfig(backend="docker", timeout_s=args.timeout))
    kept = []
    if args.merge and args.out.is_file():
        kept = [r for r in json.loads(args.out.read_text())["rows"] if r["project"] not in args.projects]
    rows = []
    for name in args.projects:
        print(f"{name}=={PROJECTS[name]}", flush=True)
        row = run_project(name, PROJECTS[name], args.workdir, sandbox, args.timeout)
        suite = row["suite"] or {}
        print(f"  -> {suite.get('passed', 0)}/{suite.get('collected', 0)} passed; problem: {row['problem']}",
              flush=True)
        rows.append(row)
        _write(args.out, kept + rows, args)  # after each project: a long run keeps what it measured
    print(json.dumps(summarise(kept + rows), indent=2))


def _write(out: Path, rows: list[dict], args: argparse.Namespace) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"summary": summarise(rows), "rows": rows,
               "args": {"projects": args.projects, "timeout": args.timeout},
               "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                           "load_avg": os.getloadavg(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}}
    out.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
