"""The contrast check's verdicts on every pair set it is judged on, recorded and compared:
proof that a change meant as plumbing (caches, readings per text, cheaper steps) leaves
every verdict, reason string and all, as it was.

    # record with one checkout (main), compare with another (a branch), same pairs:
    PYTHONPATH=/work/main .venv/bin/python benchmarks/contrast_verdicts.py record /tmp/v.jsonl.gz
    .venv/bin/python benchmarks/contrast_verdicts.py check /tmp/v.jsonl.gz
    .venv/bin/python benchmarks/contrast_verdicts.py record /tmp/v.jsonl.gz --sets ocnli,minimal

The pairs (each pair of normalised texts once, in the order asked):

- ocnli: every OCNLI pair of ratio >= 50 (all labels), normalised (spaced_many), and
  every pair ``cluster([a, b])`` asks the check about;
- labelled: every same-article pair of the labelled set scoring >= 50 (fuzz.ratio),
  and every pair ``cluster_by_article`` asks about;
- minimal: the same on tests/data/minimal_pairs.jsonl (dev, held, the hand-written pairs);
- dedupe: the pairs the merge asks about on benchmarks/dedupe.py's generated campaigns
  (DEDUPE_ACROSS comments over 100 articles, and DEDUPE_HOT on one article).

``check`` reads the pairs from the file, asks ``reason`` again in the same order (caches
start cold, as when recorded) and lists every pair whose verdict differs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This checkout, unless PYTHONPATH names another (to record with main's code).
sys.path.insert(1 + len([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]),
                str(ROOT))

DATA = ROOT / "tests" / "data"
SETS = ("ocnli", "labelled", "minimal", "dedupe")
DEDUPE_ACROSS = 20_000
DEDUPE_HOT = 20_000
# Every pair scoring at least this is asked about directly (the merge asks only about
# pairs past its threshold; lower ones still exercise the check's other paths).
DIRECT_RATIO = 50


def _asked(run: Callable[[], object]) -> list[tuple[str, str]]:
    """The pairs ``run`` asks the contrast check about, in order."""
    from legis.matching import contrast, near, signatures
    original = contrast.reason
    seen: list[tuple[str, str]] = []

    def recording(a: str, b: str) -> str | None:
        seen.append((a, b))
        return original(a, b)

    contrast.reason = near.reason = signatures.reason = recording  # type: ignore[assignment]
    try:
        run()
    finally:
        contrast.reason = near.reason = signatures.reason = original  # type: ignore[assignment]
    return seen


def _alike(texts: list[str]) -> Iterator[tuple[str, str]]:
    from rapidfuzz import fuzz
    for i, x in enumerate(texts):
        for y in texts[i + 1:]:
            if x != y and fuzz.ratio(x, y) >= DIRECT_RATIO:
                yield x, y


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).open(encoding="utf-8")]


def _by_article(rows: list[dict]) -> list[tuple[str, str]]:
    from legis.matching import cluster_by_article
    from legis.matching.normalise import spaced_many
    by_article: dict[str, list[str]] = {}
    for row, text in zip(rows, spaced_many([r["text"] for r in rows])):
        by_article.setdefault(row["article"], []).append(text)
    direct = [pair for texts in by_article.values() for pair in _alike(texts)]
    return direct + _asked(lambda: cluster_by_article([(r["article"], r["text"]) for r in rows]))


def pairs_of(name: str) -> list[tuple[str, str]]:
    if name == "ocnli":
        from legis.matching import cluster
        from legis.matching.normalise import spaced_many
        from tests.ocnli import CORPUS, alike_pairs
        if not CORPUS.exists():
            raise SystemExit(f"OCNLI not found at {CORPUS}")
        found = alike_pairs()
        direct = list(zip(spaced_many([a for a, *_ in found]), spaced_many([b for _, b, *_ in found])))
        return direct + _asked(lambda: [cluster([a, b]) for a, b, *_ in found])
    if name == "labelled":
        return _by_article(_rows("labelled_comments.jsonl"))
    if name == "minimal":
        return _by_article(_rows("minimal_pairs.jsonl"))
    if name == "dedupe":
        from benchmarks.dedupe import generate
        from legis.matching import cluster_by_article
        across, _ = generate(DEDUPE_ACROSS)
        hot, _ = generate(DEDUPE_HOT)
        return (_asked(lambda: cluster_by_article(across))
                + _asked(lambda: cluster_by_article([(0, text) for _, text in hot])))
    raise ValueError(name)


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def record(path: Path, names: list[str]) -> None:
    from legis.matching.contrast import reason
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for name in names:
            start = time.perf_counter()
            pairs = _unique(pairs_of(name))
            # Pairs are gathered first, then judged cold (as ``check`` will).
            _clear_caches()
            for a, b in pairs:
                out.write(json.dumps([name, a, b, reason(a, b)], ensure_ascii=False) + "\n")
            print(f"{name}: {len(pairs):,} pairs recorded ({time.perf_counter() - start:.0f} s)",
                  flush=True)


def _clear_caches() -> None:
    """Every lru_cache of the matching modules emptied: a verdict must not depend on what
    was asked before."""
    import functools

    from legis import matching
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith(matching.__name__):
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
            clear = getattr(value, "clear_readings", None)
            if callable(clear):
                clear()


def check(path: Path, names: list[str] | None, show: int) -> int:
    from legis.matching.contrast import reason
    counts: dict[str, list[int]] = {}
    cpu: dict[str, float] = {}
    differ = 0
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        for line in rows:
            name, a, b, expected = json.loads(line)
            if names and name not in names:
                continue
            if name not in counts:
                _clear_caches()
                counts[name], cpu[name] = [0, 0], 0.0
            start = time.process_time()
            found = reason(a, b)
            cpu[name] += time.process_time() - start
            counts[name][1] += 1
            if found != expected:
                counts[name][0] += 1
                differ += 1
                if differ <= show:
                    print(f"  {name}: {expected!r} -> {found!r}: {a} || {b}")
    for name, (bad, total) in counts.items():
        print(f"{name}: {bad:,} of {total:,} verdicts differ "
              f"({cpu[name] / max(total, 1) * 1e6:.0f} µs CPU per pair, cold caches)")
    return differ


def main() -> None:
    import legis
    print(f"legis from {Path(legis.__file__).parent}", flush=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["record", "check"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--show", type=int, default=20, help="differing pairs listed")
    args = parser.parse_args()
    names = [n for n in args.sets.split(",") if n]
    if args.action == "record":
        record(args.path, names)
    else:
        sys.exit(1 if check(args.path, names, args.show) else 0)


if __name__ == "__main__":
    main()
