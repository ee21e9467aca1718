"""privacy.find on every comment text we hold: the same findings as another checkout, and its CPU.

Run: .venv/bin/python benchmarks/privacy_label.py --code /work/main [--rounds 3]

Each checkout runs in a process of its own (PYTHONPATH=that checkout), alternating, over the
labelled comments (tests/data/labelled_comments.jsonl) and every quoted string of two or more
characters in tests/*.py; it prints the findings of each text and the CPU per text of
``privacy.label`` over the labelled comments. Exits non-zero when a single finding differs:
a faster finder must find exactly what the old one found.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts() -> tuple[list[str], list[str]]:
    """(the labelled comments, those plus every quoted string in the tests)."""
    labelled = [json.loads(line)["text"] for line in
                (ROOT / "tests/data/labelled_comments.jsonl").read_text(encoding="utf-8").splitlines()]
    quoted: list[str] = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        body = path.read_text(encoding="utf-8")
        quoted += re.findall(r'"([^"\n]{2,200})"', body) + re.findall(r"'([^'\n]{2,200})'", body)
    return labelled, labelled + sorted(set(quoted))


def child(rounds: int) -> None:
    from legis import privacy

    labelled, every = texts()
    found = [[(f.kind, f.start, f.end, f.replacement) for f in privacy.find(t)] for t in every]
    before = time.process_time()
    for _ in range(rounds):
        for text in labelled:
            privacy.label(text)
    per = (time.process_time() - before) / (rounds * len(labelled))
    print(json.dumps({"us_per_label": per * 1e6, "found": found}))


def run(code: Path, rounds: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, __file__, "--child", "--rounds", str(rounds)], env=env,
                         cwd=code, capture_output=True, text=True, check=True, timeout=3600)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", required=False, default="", help="the baseline checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rounds)
        return 0
    checkouts = {"this checkout": ROOT}
    if args.code:
        checkouts = {"baseline": Path(args.code).resolve(), **checkouts}
    cpu: dict[str, list[float]] = {name: [] for name in checkouts}
    found: dict[str, list] = {}
    for _ in range(args.rounds):
        for name, code in checkouts.items():
            result = run(code, 3)
            cpu[name].append(result["us_per_label"])
            found[name] = result["found"]
    labelled, every = texts()
    print(f"{len(labelled):,} labelled comments timed; {len(every):,} texts compared; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| checkout | µs CPU per label (median) | rounds |")
    print("|---|---:|---|")
    for name, values in cpu.items():
        print(f"| {name} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")
    if not args.code:
        return 0
    ratio = statistics.median(cpu["this checkout"]) / statistics.median(cpu["baseline"])
    differ = [t for t, a, b in zip(every, found["baseline"], found["this checkout"], strict=True)
              if a != b]
    print(f"this checkout / baseline: {ratio:.2f}; texts found differently: {len(differ)}")
    for text in differ[:10]:
        print("  differs:", text)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
