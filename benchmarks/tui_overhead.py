"""Does the terminal UI slow a solve down? The same run through the TUI and without it.

Both sides run ``agent.solve.solve`` on the demo bug with the in-process scripted model (each
answer delayed like a fast model; answers are generated one after another) and the sandbox double, in this process, alternating
so that machine load hits both alike:

- solve: ``Solver.solve`` with the CLI's event renderer subscribed (what `capuchin solve` does);
- tui: the app (headless, 80x24, drawing the events as they come) started with the issue, timed
  from the start of the run until its outcome is on the screen.

    python -m benchmarks.tui_overhead [--rounds 3] [--delay 0.05 --delay 0.5] [--out FILE]

Prints the medians and the ratio tui/solve for each answer delay, and writes them as JSON. The
UI's cost is about constant per run (drawing the final screen), so the ratio depends on how long
the run is: 0.05 s per answer is a run of about a second, far shorter than any real model makes
(the embedded 0.5B model takes 5-30 s per answer); 0.5 s per answer is still a fast GPU.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from agent.core.events import EventBus
from tui.testing import ISSUE, ScriptedRunner, demo_repo

OUT = Path(__file__).parent / "results" / "tui-overhead.json"


def time_solve(runner: ScriptedRunner, repo: Path) -> float:
    from rich.console import Console

    import agent.solve_cli as cli

    cli.err = Console(file=io.StringIO(), width=100)  # render as the CLI does, into a buffer
    bus = EventBus()
    bus.subscribe(cli.render_event)
    started = time.perf_counter()
    report = runner(repo, ISSUE, bus, None)
    assert report.status == "solved", report.status
    return time.perf_counter() - started


def time_tui(runner: ScriptedRunner, repo: Path) -> float:
    from tui.app import build_app
    from tui.screens.run import RunScreen

    started: list[float] = []

    def timed(*args):  # the clock starts when the run does, as on the solve side
        started.append(time.perf_counter())
        return runner(*args)

    async def main() -> float:
        app = build_app(repo, ISSUE, runner=timed)
        async with app.run_test(size=(80, 24)):
            while True:
                screens = [s for s in app.screen_stack if isinstance(s, RunScreen)]
                if screens and screens[0].state.status == "solved" and screens[0].state.finished:
                    return time.perf_counter() - started[0]
                # Not pilot.pause: it forces a screen update each time, work a real terminal never sees.
                await asyncio.sleep(0.01)

    return asyncio.run(main())


def measure(rounds: int, delay_s: float) -> dict:
    times: dict[str, list[float]] = {"solve": [], "tui": []}
    with tempfile.TemporaryDirectory() as tmp:
        runner = ScriptedRunner(samples=4, temperatures=(0.0, 0.4, 0.8, 1.0), delay_s=delay_s)
        time_solve(runner, demo_repo(Path(tmp) / "warmup"))  # imports and caches, counted by neither side
        for i in range(rounds):
            for side, fn in (("solve", time_solve), ("tui", time_tui)):
                times[side].append(round(fn(runner, demo_repo(Path(tmp) / f"{side}-{i}")), 3))
    med = {side: round(statistics.median(xs), 3) for side, xs in times.items()}
    return {"rounds": rounds, "model_delay_s": delay_s, "times_s": times, "median_s": med,
            "ratio_tui_over_solve": round(med["tui"] / med["solve"], 3), "machine": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay", type=float, action="append",
                        help="seconds each scripted answer takes (repeat for several; default 0.05 and 0.5)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    results = []
    for delay in args.delay or [0.05, 0.5]:
        result = measure(args.rounds, delay)
        result["load_avg_1m"] = round(os.getloadavg()[0], 2)
        results.append(result)
        print(f"answer delay {delay}s: solve median {result['median_s']['solve']:.3f}s, tui median "
              f"{result['median_s']['tui']:.3f}s, ratio {result['ratio_tui_over_solve']:.3f} over {args.rounds} "
              f"rounds (load {result['load_avg_1m']})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
