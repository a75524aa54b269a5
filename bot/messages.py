"""What the bot writes on GitHub: pure functions from a job and a solve report to Markdown."""

from __future__ import annotations

from typing import Any

MARKER = "<!-- capuchin -->"
"""Starts every comment the bot writes, so people and tools can tell its comments apart."""


def branch_name(issue: int) -> str:
    return f"capuchin/issue-{issue}"


def diff_stats(patch: str) -> tuple[list[str], int, int]:
    """(files, lines added, lines removed) of a unified diff."""
    files, added, removed = [], 0, 0
    for line in patch.splitlines():
        if line.startswith("+++ "):
            files.append(line[4:].removeprefix("b/"))
        elif line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return files, added, removed


def _yes_no(value: bool | None, yes: str = "ok", no: str = "BROKEN") -> str:
    return "not run" if value is None else yes if value else no


def candidates_table(report: Any) -> str:
    rows = ["| candidate | temperature | applies | regression tests | reproduction tests | votes |",
            "| --- | --- | --- | --- | --- | --- |"]
    for c in report.candidates:
        v = report.verdict(c.id)
        if c.diff is None:
            rows.append(f"| {c.id} | {c.temperature} | no: {_cell(c.error or 'no edit')} | | | |")
        elif v is None:
            rows.append(f"| {c.id} | {c.temperature} | duplicate | | | |")
        else:
            mark = " **(chosen)**" if c.id == report.chosen else ""
            rows.append(f"| {c.id}{mark} | {c.temperature} | yes | {_yes_no(v.regression_ok)} | "
                        f"{v.repro_passed}/{v.repro_total} | {v.votes} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:80]


def usage_line(report: Any) -> str:
    u = report.usage or {}
    return (f"{u.get('prompt_tokens', 0):,} prompt + {u.get('completion_tokens', 0):,} completion tokens "
            f"in {u.get('calls', 0)} model calls, ${u.get('cost_usd', 0.0):.4f}; {report.seconds:.0f} s in all")


def provenance(report: Any) -> str:
    """Which model and which Capuchin produced the run (the endpoint stays out: it may be internal)."""
    model, build = report.model or {}, report.capuchin or {}
    who = f"model `{model['name']}`" if model.get("name") else "the configured model"
    if model.get("backend"):
        who += f" ({model['backend']})"
    version = f"Capuchin {build.get('version') or '?'}"
    if build.get("commit"):
        version += f" ({build['commit'][:10]})"
    return f"{who}, {version}"


def pull_body(issue: int, report: Any) -> str:
    """The pull request's description: the patch summary and the evidence behind it."""
    verdict = report.verdict(report.chosen)
    files, added, removed = diff_stats(report.patch or "")
    repro = (f"{verdict.repro_passed}/{verdict.repro_total} model-written reproduction tests that fail on the "
             f"original code pass with this patch" + (f" ({', '.join(verdict.repro_passing)})" if verdict.repro_passing
                                                      else ""))
    unconfirmed = ("\n\n> **Unconfirmed:** no reproduction test passes with this patch; it was chosen on the "
                   "regression tests and agreement between samples. Review it with care.") if not verdict.repro_passed else ""
    return "\n".join([
        MARKER,
        f"Fixes #{issue}",
        "",
        f"Capuchin changed {', '.join(f'`{f}`' for f in files)} (+{added} −{removed}).{unconfirmed}",
        "",
        "### Evidence",
        f"- Regression tests ({len(report.baseline_passing)} that passed before): {_yes_no(verdict.regression_ok)}",
        f"- Reproduction: {repro}",
        f"- Agreement: {verdict.votes} sample(s) produced this same change",
        "",
        f"### Candidates tried ({len(report.candidates)})",
        candidates_table(report),
        "",
        f"**Usage:** {usage_line(report)}",
        f"**Made by:** {provenance(report)}",
        f"**Trajectory:** run `{report.run_id}` (kept by the bot's worker under `.capuchin/runs/`)",
    ])


def no_patch_comment(reason: str, report: Any | None) -> str:
    lines = [MARKER, f"Capuchin found no verified patch for this issue: {reason}"]
    if report is not None and report.candidates:
        lines += ["", f"### Candidates tried ({len(report.candidates)})", candidates_table(report), "",
                  f"**Usage:** {usage_line(report)}", f"**Made by:** {provenance(report)}",
                  f"**Trajectory:** run `{report.run_id}`"]
    return "\n".join(lines)


def failure_comment(what: str, detail: str) -> str:
    return f"{MARKER}\nCapuchin could not finish this job: {what}.\n\n```\n{detail.strip()[:1500]}\n```"


def pull_comment(pull: dict[str, Any], updated: bool) -> str:
    verb = "updated the branch of" if updated else "opened"
    return f"{MARKER}\nCapuchin {verb} draft pull request #{pull['number']} with a verified patch."


class StatusLines:
    """The lines of the one status comment, rewritten as stages pass."""

    def __init__(self, header: str, about: str):
        self.header, self.about = header, about
        self.stages: dict[str, str] = {}

    def update(self, stage: str, line: str) -> None:
        self.stages[stage] = line

    def render(self) -> str:
        return "\n".join([MARKER, f"{self.header} ({self.about})", "", *(f"- {line}" for line in self.stages.values())])
