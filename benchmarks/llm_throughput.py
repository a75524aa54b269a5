"""Samples per second of the embedded model: today's sequential path vs batched sampling.

One ~2,000-token prompt (a real bug report with real code), samples at T=0.8, at most
256 tokens each, 8 and 16 samples. Modes, interleaved run by run so that load on a shared
machine hits them alike:

* ``baseline-seq``: llama-cpp-python's server, one request after another (Capuchin before #19);
* ``server-seq``: llama.cpp's llama-server, one request after another;
* ``server-n``: llama-server, the samples as ``n`` of one request (split to the slot count,
  prefix warmed first when split), as ``LLMClient`` does for one (prompt, temperature);
* ``server-solve``: llama-server, the 8 samples as a solve asks for them: 4 prompts that
  differ only in their last lines, at 2 temperatures (0.8 and 1.0), through ``complete_many``;
* ``spec-n`` and ``spec-solve``: the same two on a second llama-server with speculative decoding
  from the prompt (``embedded.speculative``, Capuchin's default); the ``server-*`` modes run with it off.

Prints medians of ``--runs`` per mode: seconds, samples/s, completion tokens/s, prompt tokens
evaluated (from llama-server's /metrics; llama-cpp-python's log for the baseline), the ratio
to the baseline's samples/s, and the load average. Writes JSON.

    python -m benchmarks.llm_throughput [--model NAME] [--runs 3] [--samples 8,16] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx

from agent.embedded import EmbeddedServer
from agent.llm import LLMClient
from agent.llm_config import EmbeddedConfig, LLMConfig

ROOT = Path(__file__).resolve().parents[1]
MAX_TOKENS = [256]
"""Cap on each sample's length (a list so --max-tokens can set it for the run)."""
TEMPERATURE = 0.8


def bug_prompt(tail: str = "", target_chars: int = 7000) -> list[dict[str, str]]:
    """A solve-like prompt: the issue, ~2,000 tokens of real code, the instruction; ``tail`` varies
    the last line like the focus of a solve's prompts does."""
    # Bundled example code (stable text, so the prompt is the same whatever the branch holds).
    sources = sorted((ROOT / "examples/bugs").glob("*/repo/*/*.py"))
    code = "\n".join(f"# {p.parent.name}/{p.name}\n{p.read_text()}" for p in sources)[:target_chars]
    issue = (ROOT / "examples/bugs/median_even/issue.md").read_text()
    user = (f"Issue:\n{issue}\n\nRelevant code from the repository:\n\n```python\n{code}\n```\n\n"
            "Rewrite the function that causes the issue so that it is fixed. Reply with the file name on one "
            f"line, then the complete fixed function in a python code block.{tail}")
    return [{"role": "system", "content": "You are a careful Python engineer who fixes bugs."},
            {"role": "user", "content": user}]


class Counter:
    """Prompt tokens a server evaluated (not taken from its cache), read before and after a run."""

    def __init__(self, server: EmbeddedServer):
        self.server = server

    def read(self) -> int | None:
        if self.server.backend.name == "llama-server":
            text = httpx.get(self.server.base_url.removesuffix("/v1") + "/metrics", timeout=10).text
            match = re.search(r"^llamacpp:prompt_tokens_total (\S+)", text, re.M)
            return int(float(match.group(1))) if match else None
        # llama-cpp-python prints "prompt eval time = ... / N tokens" per request it evaluates.
        log = self.server.log_path.read_text(errors="replace")
        return sum(int(n) for n in re.findall(r"prompt eval time\s*=.*?/\s*(\d+) tokens", log))


def _client(server: EmbeddedServer, **options) -> LLMClient:
    config = LLMConfig(model=server.model, max_tokens=MAX_TOKENS[0], timeout_s=3600, **options)
    return LLMClient(config, base_url=server.base_url)


def _sequential(server: EmbeddedServer, samples: int) -> LLMClient:
    llm = _client(server, concurrency=1, native_n=False)
    for _ in range(samples):
        llm.complete(bug_prompt(), temperature=TEMPERATURE)
    return llm


def _native_n(server: EmbeddedServer, samples: int) -> LLMClient:
    llm = _client(server, **server.backend.client_options())
    llm.complete(bug_prompt(), n=samples, temperature=TEMPERATURE)
    return llm


def _solve_like(server: EmbeddedServer, samples: int) -> LLMClient:
    llm = _client(server, **server.backend.client_options())
    tails = [f" The function to fix is most likely number {i + 1} above." for i in range(4)]
    temps = (TEMPERATURE, 1.0)
    llm.complete_many([(bug_prompt(tails[i % 4]), temps[(i // 4) % 2]) for i in range(samples)])
    return llm


MODES: dict[str, tuple[str, Callable[[EmbeddedServer, int], LLMClient]]] = {
    "baseline-seq": ("llama-cpp-python", _sequential),
    "server-seq": ("llama-server", _sequential),
    "server-n": ("llama-server", _native_n),
    "server-solve": ("llama-server", _solve_like),
    "spec-n": ("llama-server+spec", _native_n),
    "spec-solve": ("llama-server+spec", _solve_like),
}
"""Mode -> (server, how the samples are asked for); a server is a backend, ``+spec`` with speculative decoding on."""
SPECULATIVE = EmbeddedConfig().speculative


def _server_config(args: argparse.Namespace, server: str, port: int) -> EmbeddedConfig:
    backend, _, spec = server.partition("+")
    return EmbeddedConfig(model=args.model, backend=backend, port=port, parallel=args.parallel,
                          llama_server=args.llama_server, startup_timeout_s=600,
                          speculative=SPECULATIVE if spec else "none")


def measure(server: EmbeddedServer, mode: str, samples: int) -> dict:
    counter = Counter(server)
    before = counter.read()
    started = time.perf_counter()
    llm = MODES[mode][1](server, samples)
    seconds = time.perf_counter() - started
    after = counter.read()
    return {
        "seconds": seconds, "samples_per_s": samples / seconds,
        "tokens_per_s": llm.usage.completion_tokens / seconds, "completion_tokens": llm.usage.completion_tokens,
        "prompt_tokens": llm.usage.prompt_tokens, "requests": llm.usage.calls,
        "prompt_tokens_evaluated": None if before is None or after is None else after - before,
        "load_avg_1m": os.getloadavg()[0],
    }


def _median(results: list[dict]) -> dict:
    out = {}
    for key in results[0]:
        values = [r[key] for r in results if r[key] is not None]
        out[key] = statistics.median(values) if values else None
    return out


def report(args: argparse.Namespace, runs: dict[str, list[dict]], load_before: tuple) -> dict:
    """Medians per mode with the ratio to the baseline of the same sample count; written after every
    run, so a run cut short on a busy machine still leaves its figures."""
    summary = {key: _median(results) for key, results in runs.items() if results}
    for key, s in summary.items():
        base = summary.get(f"{args.baseline}@{key.split('@')[1]}")
        s["ratio_to_baseline"] = s["samples_per_s"] / base["samples_per_s"] if base else None
        # Paired by run (same minutes, same load): steadier than a ratio of medians when the load drifts.
        pairs = zip(runs[key], runs.get(f"{args.baseline}@{key.split('@')[1]}", []), strict=False)
        s["run_ratios"] = [r["samples_per_s"] / b["samples_per_s"] for r, b in pairs]
        s["median_run_ratio"] = statistics.median(s["run_ratios"]) if s["run_ratios"] else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "model": args.model, "parallel": args.parallel, "baseline": args.baseline, "speculative": SPECULATIVE, "llama_server": args.llama_server,
        "runs_done": min(len(r) for r in runs.values()), "max_tokens": MAX_TOKENS[0], "temperature": TEMPERATURE,
        "machine": platform.machine(), "cpus": os.cpu_count(), "load_avg_before": load_before,
        "load_avg_after": os.getloadavg(), "summary": summary, "raw": runs,
    }, indent=2))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-0.5b-instruct")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", default="8,16", help="comma-separated sample counts")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, from {', '.join(MODES)}")
    parser.add_argument("--baseline", default="baseline-seq", help="the mode the ratios are taken against")
    parser.add_argument("--port", type=int, default=8780, help="first of the ports (one per server)")
    parser.add_argument("--parallel", type=int, default=EmbeddedConfig().parallel, help="llama-server slots")
    parser.add_argument("--llama-server", help="llama-server binary (default: the one setup built)")
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS[0], help="cap on each sample's length")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/llm-throughput.json"))
    args = parser.parse_args()
    MAX_TOKENS[0] = args.max_tokens
    modes = args.modes.split(",")
    counts = [int(s) for s in args.samples.split(",")]
    backends = sorted({MODES[m][0] for m in modes})
    runs: dict[str, list[dict]] = {f"{m}@{k}": [] for k in counts for m in modes}
    load_before = os.getloadavg()
    with ExitStack() as stack:
        servers = {b: stack.enter_context(EmbeddedServer(_server_config(args, b, args.port + i)))
                   for i, b in enumerate(backends)}
        for server in servers.values():  # warm-up: weights into the page cache, the prompt into the cache
            _client(server).complete(bug_prompt(), max_tokens=4)
        for i in range(args.runs):
            for key in runs:
                mode, k = key.split("@")
                runs[key].append(measure(servers[MODES[mode][0]], mode, int(k)))
                r = runs[key][-1]
                print(f"run {i + 1}/{args.runs} {key:>16}: {r['seconds']:6.1f} s  {r['samples_per_s']:.3f} samples/s"
                      f"  prompt tokens evaluated {r['prompt_tokens_evaluated']}  load {r['load_avg_1m']:.1f}",
                      flush=True)
            summary = report(args, runs, load_before)
    for key, s in summary.items():
        ratio = f"x{s['median_run_ratio']:.2f} vs {args.baseline}" if s["median_run_ratio"] else ""
        print(f"{key:>16}: {s['samples_per_s']:.3f} samples/s  {s['tokens_per_s']:.1f} tokens/s  "
              f"prompt tokens evaluated {s['prompt_tokens_evaluated']}  {ratio}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
