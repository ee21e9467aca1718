"""CPU seconds of the merge on dedupe.py's synthetic comments, for two checkouts in one
run (the machine is shared: compare the ratio), with the word readings of the score
taken (legis/matching/wording.py) where the checkout has them.

    .venv/bin/python benchmarks/score_cpu.py /work/main .      # 10k, 100k, hot 100k

Each measurement runs in a fresh process with the checkout first on sys.path; the
checkouts alternate, so a burst of load hits both about alike.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

RUNS = (("10000", "spread"), ("100000", "spread"), ("100000", "hot"))


def child(tree: str, n: int, hot: bool) -> None:
    sys.path[:0] = [tree, str(Path(tree) / "benchmarks")]
    import dedupe

    from legis.matching import cluster_by_article, leaders
    from legis.matching.leaders import CONTRAST_CHECKS, VERIFIED_PAIRS
    items, labels = dedupe.generate(n)
    if hot:
        items = [(0, text) for _, text in items]
    readings = [0]
    inner = getattr(leaders, "word_score", None)
    if inner is not None:
        def counted(a: str, b: str) -> float:
            readings[0] += 1
            return inner(a, b)
        leaders.word_score = counted    # type: ignore[attr-defined]
    cpu = time.process_time()
    groups = cluster_by_article(items)
    cpu = time.process_time() - cpu
    p, r = dedupe.pair_scores(labels, groups)
    print(f"{cpu:.2f}\t{len(set(groups))}\t{p:.4f}\t{r:.4f}\t{readings[0]}\t"
          f"{CONTRAST_CHECKS[0]}\t{VERIFIED_PAIRS[0]}")


def main() -> None:
    if sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "hot")
        return
    trees = [str(Path(t).resolve()) for t in sys.argv[1:3]]
    for n, kind in RUNS:
        cpus = []
        for tree in trees:
            out = subprocess.run([sys.executable, __file__, "--child", tree, n, kind],
                                 capture_output=True, text=True, check=True).stdout.split()
            cpus.append(float(out[0]))
            print(f"{int(n):>8,} {kind:6} {tree}: CPU {out[0]} s, groups {out[1]}, P {out[2]} "
                  f"R {out[3]}, word readings {out[4]}, contrast checks {out[5]}, "
                  f"pairs verified {out[6]}", flush=True)
        print(f"{'':8} {kind:6} ratio {cpus[1] / cpus[0]:.3f}", flush=True)


if __name__ == "__main__":
    main()
