"""Throughput of 8 samples of one prompt: n=8 in one request vs 8 concurrent vs 8 sequential.

Prints samples/s and tokens/s per mode (medians over --runs), ratios to the sequential
baseline measured in the same session, and writes JSON.

    python -m benchmarks.llm_throughput [--base-url URL --model NAME] [--runs 3] [--out FILE]

Without --base-url it starts the embedded model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import time
from contextlib import nullcontext
from pathlib import Path

from agent.llm import LLMClient
from agent.llm_config import EmbeddedConfig, LLMConfig

PROMPT = (
    "Fix the bug: this function should return the mean of a list but crashes on an empty list. "
    "Reply with the corrected function only.\n\n```python\ndef mean(xs):\n    return sum(xs) / len(xs)\n```"
)
SAMPLES = 8


def _client(base_url: str, model: str, max_tokens: int, concurrency: int) -> LLMClient:
    return LLMClient(LLMConfig(model=model, max_tokens=max_tokens, concurrency=concurrency), base_url=base_url)


async def _sequential(llm: LLMClient) -> None:
    for _ in range(SAMPLES):
        await llm.acomplete([{"role": "user", "content": PROMPT}], n=1, temperature=0.8)


async def _concurrent(llm: LLMClient) -> None:
    await asyncio.gather(
        *[llm.acomplete([{"role": "user", "content": PROMPT}], n=1, temperature=0.8) for _ in range(SAMPLES)]
    )


async def _one_request(llm: LLMClient) -> None:
    await llm.acomplete([{"role": "user", "content": PROMPT}], n=SAMPLES, temperature=0.8)


MODES = {"sequential": (_sequential, 1), "concurrent": (_concurrent, SAMPLES), "n=8": (_one_request, SAMPLES)}


def measure(base_url: str, model: str, max_tokens: int, mode: str) -> dict:
    run, concurrency = MODES[mode]
    llm = _client(base_url, model, max_tokens, concurrency)
    started = time.perf_counter()
    asyncio.run(run(llm))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "samples_per_s": SAMPLES / seconds,
            "tokens_per_s": llm.usage.completion_tokens / seconds, "tokens": llm.usage.completion_tokens}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b-instruct")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/llm-throughput.json"))
    args = parser.parse_args()

    from agent.embedded import EmbeddedServer

    server = nullcontext() if args.base_url else EmbeddedServer(EmbeddedConfig(model=args.model))
    with server as srv:
        base_url = args.base_url or srv.base_url
        measure(base_url, args.model, 8, "sequential")  # warm-up: load weights into page cache
        runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
        for i in range(args.runs):
            for mode in MODES:  # interleaved, so drift on a noisy machine hits every mode alike
                runs[mode].append(measure(base_url, args.model, args.max_tokens, mode))
                print(f"run {i + 1}/{args.runs} {mode:>10}: {runs[mode][-1]['samples_per_s']:.3f} samples/s", flush=True)
    summary = {}
    for mode, results in runs.items():
        summary[mode] = {key: statistics.median(r[key] for r in results) for key in results[0]}
    base = summary["sequential"]["samples_per_s"]
    for mode, s in summary.items():
        s["ratio_to_sequential"] = s["samples_per_s"] / base
        print(f"{mode:>10}: {s['samples_per_s']:.3f} samples/s  {s['tokens_per_s']:.1f} tokens/s  "
              f"x{s['ratio_to_sequential']:.2f} vs sequential")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "model": args.model, "base_url": args.base_url or "embedded", "samples": SAMPLES, "runs": args.runs,
        "max_tokens": args.max_tokens, "machine": platform.machine(), "summary": summary, "raw": runs,
    }, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
