"""Turn a TUI snapshot (SVG from tests/tui/__snapshots__) into the README's PNG with rsvg-convert.

rsvg misplaces runs of leading or trailing non-breaking spaces inside a ``<text textLength=…>``
(indentation ends up after the first word), so each such run is turned into an x offset first.
Needs ``rsvg-convert`` (Debian: librsvg2-bin) and, for the look of a terminal, fonts-firacode.

    python scripts/tui_screenshot.py SNAPSHOT.svg OUT.png [--width 1600]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from pathlib import Path

NBSP = "&#160;"
_TEXT = re.compile(r'<text (?P<pre>[^>]*?)x="(?P<x>[\d.]+)"(?P<mid>[^>]*?)textLength="(?P<len>[\d.]+)"'
                   r'(?P<post>[^>]*)>(?P<body>[^<]*)</text>')


def _cells(body: str) -> int:
    return len(re.sub(r"&[#\w]+;", "_", body))


def _fix(m: re.Match) -> str:
    body = m.group("body")
    stripped = body.lstrip(NBSP.replace(";", ";"))
    lead = 0
    while body.startswith(NBSP):
        body, lead = body[len(NBSP):], lead + 1
    trail = 0
    while body.endswith(NBSP):
        body, trail = body[: -len(NBSP)], trail + 1
    if not body or not (lead or trail) or stripped == "":
        return m.group(0)
    total = _cells(m.group("body"))
    cell = float(m.group("len")) / total
    x = float(m.group("x")) + lead * cell
    length = cell * _cells(body)
    return (f'<text {m.group("pre")}x="{x:.1f}"{m.group("mid")}textLength="{length:.1f}"{m.group("post")}>'
            f"{body}</text>")


def fix_svg(svg: str) -> str:
    return _TEXT.sub(_fix, svg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("svg", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1600)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".svg", delete=False) as tmp:
        tmp.write(fix_svg(args.svg.read_text()))
    subprocess.run(["rsvg-convert", "-w", str(args.width), tmp.name, "-o", str(args.png)], check=True)
    Path(tmp.name).unlink()


if __name__ == "__main__":
    main()
