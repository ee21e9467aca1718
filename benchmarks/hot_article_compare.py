"""One hot article merged by two checkouts side by side: CPU, peak memory, groups.

    .venv/bin/python benchmarks/hot_article_compare.py /work/main . --size 400000

Each checkout's ``cluster_by_article`` runs in a fresh process on the same synthetic
campaigns as ``dedupe.py --hot-article`` (every comment on one article), the two at
the same time so a busy machine slows both alike. Prints per checkout the CPU seconds
(process_time), the peak resident memory (ru_maxrss, the data included), the contrast
checks and pairs verified, pairwise P/R against the campaigns, and a digest of the
groups: equal digests mean the same groups.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

_CHILD = r"""
import hashlib, importlib, resource, sys, time
root, n = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, root)
sys.path.insert(0, BENCH)
from dedupe import generate, pair_scores
cluster = importlib.import_module("legis.matching.cluster")
leaders = importlib.import_module("legis.matching.leaders")
items, labels = generate(n)
items = [(0, text) for _, text in items]
cpu = time.process_time()
groups = cluster.cluster_by_article(items)
cpu = time.process_time() - cpu
p, r = pair_scores(labels, groups)
digest = hashlib.sha1(str(groups).encode()).hexdigest()[:12]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{root}: n={n:,} CPU {cpu:.2f} s, peak {peak:.0f} MiB, groups {len(set(groups)):,} "
      f"(digest {digest}), contrast checks {leaders.CONTRAST_CHECKS[0]:,}, "
      f"pairs verified {leaders.VERIFIED_PAIRS[0]:,}, P {p:.4f} R {r:.4f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", help="checkouts to compare (their legis package)")
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    bench = str(Path(__file__).resolve().parent)
    code = _CHILD.replace("BENCH", repr(bench))
    children = [subprocess.Popen([sys.executable, "-c", code, str(Path(root).resolve()),
                                  str(args.size)], stdout=subprocess.PIPE, text=True)
                for root in args.roots]
    for child in children:
        out, _ = child.communicate()
        print(out.strip())


if __name__ == "__main__":
    main()
