"""Where a py-spy profile's time goes: the functions most often on the stack, and at its top.

Run: .venv/bin/python benchmarks/profile_summary.py PROFILE.txt [--top 40] [--per N]
         [--within 'Starlette.__call__' --within WorkerThread] [--skip Condition.wait]

PROFILE.txt is py-spy's raw output (``--format raw``: one collapsed stack and its sample count
a line), as benchmarks/intake.py --profile writes it. With --per N (e.g. the comments stored
during the sampling) and --cpu-seconds, each line also says its share in µs per comment.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

LOCATION = re.compile(r" \((?:.*/)?(?:site-packages/)?([^()]*?):\d+\)$")


def frame_name(frame: str) -> str:
    """'send (starlette/middleware/errors.py:160)' → 'send (errors.py)': one name per function."""
    return LOCATION.sub(lambda m: f" ({m.group(1).rsplit('/', 1)[-1]})", frame.strip())


def read(path: str, within: tuple[str, ...] = (), skip: tuple[str, ...] = ()
         ) -> tuple[Counter[str], Counter[str], int]:
    """Samples of the stacks holding a frame named by one of ``within`` (all if empty) and none
    of ``skip`` (e.g. the thread pool's idle wait)."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [frame_name(f) for f in stack.split(";") if f]
            if within and not any(w in f for f in frames for w in within):
                continue
            if any(w in f for f in frames for w in skip):
                continue
            for name in set(frames):
                inclusive[name] += n
            if frames:
                leaf[frames[-1]] += n
    return inclusive, leaf, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--per", type=int, default=0, help="comments stored while sampling")
    parser.add_argument("--cpu-seconds", type=float, default=0.0,
                        help="the server's CPU seconds while sampling (for µs per comment)")
    parser.add_argument("--within", action="append", default=[],
                        help="only stacks with a frame containing this (repeatable)")
    parser.add_argument("--skip", action="append", default=[],
                        help="leave out stacks with a frame containing this (repeatable)")
    args = parser.parse_args(argv)
    inclusive, leaf, total = read(args.profile, tuple(args.within), tuple(args.skip))
    if not total:
        print("no samples", file=sys.stderr)
        return 1
    scale = (args.cpu_seconds * 1e6 / args.per) if args.per and args.cpu_seconds else 0.0

    def show(title: str, counts: Counter[str]) -> None:
        print(f"\n{title} ({total:,} samples)")
        for name, n in counts.most_common(args.top):
            share = n / total
            extra = f"  {share * scale:7.1f} µs/comment" if scale else ""
            print(f"{share:6.1%}{extra}  {name}")

    show("on the stack (inclusive)", inclusive)
    show("at the top (self)", leaf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
