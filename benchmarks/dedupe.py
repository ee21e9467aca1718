"""Merging speed: legis.matching against all-pairs and MinHash LSH baselines on synthetic campaigns.

    .venv/bin/python benchmarks/dedupe.py                       # 10k, 100k, 1M
    .venv/bin/python benchmarks/dedupe.py --sizes 10000,100000
    .venv/bin/python benchmarks/dedupe.py --sweep               # threshold sweep on the labelled set
    .venv/bin/python benchmarks/dedupe.py --hot-article --sizes 100000,400000
                                                    # every comment on one article

Each size is generated deterministically (seed 7): 100 articles, campaigns of Zipf-distributed
size (most of size one), templates of 10-250 characters written from a vocabulary of
common characters, and per comment the noise residents add (wrappers, dropped or wrong
characters, other punctuation, a personal sentence, swapped clauses). Recall and precision
are pairwise against the campaign labels. Peak memory is resource.getrusage's ru_maxrss of
a fresh child process per run (so one run's memory does not hide the next).

--hot-article puts every comment of the same data on one article (a national draft's
comments piling onto one article): legis in memory and the MinHash baseline each run in a
fresh process that makes the data itself; peak memory is that process's ru_maxrss, the
data included (its size before merging is printed beside it).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ARTICLES = 100
SEED = 7
# Common characters of comments on local regulations; words are drawn from them.
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
         "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业"
         "本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利"
         "比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文"
         "总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干"
         "做必战先回则任取据处府研质保护街区物业噪声养犬电动自行车历史居住小区楼道充电罚款公示期限业主委员会")
WRAP_PRE = ["我建议：", "本人认为，", "希望", "建议", "我觉得", "说实话，", ""]
WRAP_SUF = ["谢谢！", "望采纳。", "以上意见供参考。", "！！", "", ""]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(CHARS) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def _sentence(rng: random.Random, vocab: list[str], length: int) -> str:
    parts, size = [], 0
    while size < length:
        clause = "".join(rng.choice(vocab) for _ in range(rng.randint(2, 5)))
        parts.append(clause)
        size += len(clause) + 1
    return "，".join(parts) + "。"


def _vary(text: str, rng: random.Random, vocab: list[str]) -> str:
    if rng.random() < 0.3:
        return text
    chars = list(text)
    for _ in range(rng.randint(0, 2)):                      # dropped or wrong characters
        i = rng.randrange(len(chars))
        if rng.random() < 0.5:
            del chars[i]
        else:
            chars[i] = rng.choice(CHARS)
        if len(chars) < 4:
            break
    text = "".join(chars)
    if rng.random() < 0.1:
        clauses = text.rstrip("。").split("，")
        if len(clauses) > 1:
            i = rng.randrange(len(clauses) - 1)
            clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
            text = "，".join(clauses) + "。"
    if rng.random() < 0.15:                                  # template plus a sentence
        text += _sentence(rng, vocab, rng.randint(8, max(8, len(text) // 2)))
    if rng.random() < 0.2:
        text = text.replace("，", " ")
    return rng.choice(WRAP_PRE) + text + rng.choice(WRAP_SUF)


def generate(n: int, seed: int = SEED) -> tuple[list[tuple[int, str]], list[int]]:
    """n comments as (article, text), and the campaign label of each."""
    rng = random.Random(seed)
    vocab = _words(rng, 6000)
    items: list[tuple[int, str]] = []
    labels: list[int] = []
    campaign = 0
    while len(items) < n:
        size = min(int(rng.paretovariate(1.2)), n - len(items), max(50, n // 200))
        article = rng.randrange(ARTICLES)
        length = int(math.exp(rng.uniform(math.log(10), math.log(250))))
        template = _sentence(rng, vocab, length)[:300]
        for _ in range(size):
            items.append((article, _vary(template, rng, vocab)))
            labels.append(campaign)
        campaign += 1
    order = list(range(n))
    rng.shuffle(order)
    return [items[i] for i in order], [labels[i] for i in order]


def pair_scores(labels: list[int], groups: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall from the contingency table (no pair enumeration)."""
    def pairs(counter: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())
    both = pairs(Counter(zip(labels, groups)))
    predicted, true = pairs(Counter(groups)), pairs(Counter(labels))
    return (both / predicted if predicted else 1.0), (both / true if true else 1.0)


# --- the runs -------------------------------------------------------------------------

def _write_jsonl(items: list[tuple[int, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, (article, text) in enumerate(items):
            fh.write(json.dumps({"id": i, "article": article, "text": text}, ensure_ascii=False))
            fh.write("\n")


def _in_child(target, *args):
    """Run target(*args) in a fresh (spawned) process; its result and peak RSS in MiB."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child_main, args=(queue, target, args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _child_main(queue, target, args) -> None:
    result = target(*args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put((result, own, workers))


def run_engine_file(path: str, out: str, threshold: float, processes: int) -> dict:
    from legis.matching import dedupe_jsonl
    return dedupe_jsonl(path, out, threshold=threshold, progress=None, processes=processes)


def run_engine_memory(items, threshold: float) -> dict:
    """legis's own pipeline on the items in memory, one process (no JSON files): the
    like-for-like time to set against the baselines below."""
    from legis.matching import cluster_by_article
    from legis.matching.leaders import CONTRAST_CHECKS, VERIFIED_PAIRS
    before, checks = VERIFIED_PAIRS[0], CONTRAST_CHECKS[0]
    started, cpu = time.perf_counter(), time.process_time()
    groups = cluster_by_article(items, threshold=threshold)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "groups": groups, "pairs": VERIFIED_PAIRS[0] - before,
            "checks": CONTRAST_CHECKS[0] - checks}


MINHASH_PERM = 64
MINHASH_THRESHOLD = 0.3
# "sha1": datasketch's default hash of each bigram's UTF-8 bytes; "int": the bigram's code
# (a distinct integer per bigram) taken as its hash value, which MinHash then permutes as
# usual: no hashing in Python, the fastest way to feed datasketch.
MINHASH_HASH = "sha1"


def run_baseline(kind: str, items, threshold: float) -> dict:
    """'naive' (every leader of the article is a candidate) or 'minhash' (candidates from
    datasketch MinHashLSH, MINHASH_PERM permutations, Jaccard threshold MINHASH_THRESHOLD,
    sketches made with MinHash.bulk over the bigram sets), in one process.

    Everything but the candidate step is legis's own: normalisation per article
    (spaced_many), exact duplicates merged, bigram codes (coded_arrays), most frequent
    text first, and the verifier (Leaders.verify: the MIN_SHARED bigram filter, the five
    readings, the contrast check, the best compatible leader wins). So the
    comparison is of candidate generation alone."""
    from legis.matching.bigrams import coded_arrays
    from legis.matching.leaders import CONTRAST_CHECKS, Leaders
    from legis.matching.normalise import spaced_many
    if kind == "minhash":
        from datasketch import MinHash, MinHashLSH
    started, cpu, checks = time.perf_counter(), time.process_time(), CONTRAST_CHECKS[0]
    by_article: dict = {}
    for i, (article, _) in enumerate(items):
        by_article.setdefault(article, []).append(i)
    groups: list = [None] * len(items)
    examined = verified = 0
    for article, positions in by_article.items():
        distinct: dict[str, int] = {}
        texts: list[str] = []
        counts: list[int] = []
        unit: list[int] = []
        for s in spaced_many([items[i][1] for i in positions]):
            u = distinct.setdefault(s.replace(" ", ""), len(texts))
            if u == len(texts):
                texts.append(s)
                counts.append(0)
            counts[u] += 1
            unit.append(u)
        flats = [s.replace(" ", "") for s in texts]
        codes, _, _ = coded_arrays(flats)
        order = sorted(range(len(texts)), key=lambda u: (-counts[u], u))
        leaders = Leaders(indexed=False)
        if kind == "minhash":
            lsh = MinHashLSH(threshold=MINHASH_THRESHOLD, num_perm=MINHASH_PERM)
            # One code character per bigram (see GramCoder): the bigram sets exactly.
            if MINHASH_HASH == "int":
                sketches = MinHash.bulk([list(map(ord, code)) for code in codes],
                                        num_perm=MINHASH_PERM, hashfunc=int)
            else:
                sketches = MinHash.bulk([[ch.encode("utf-8") for ch in code] for code in codes],
                                        num_perm=MINHASH_PERM)
        leader_of = [0] * len(texts)
        for u in order:
            found = range(len(leaders)) if kind == "naive" else sorted(lsh.query(sketches[u]))
            leader = None
            if found:
                examined += len(found)
                leader, pairs = leaders.verify([(0, j) for j in found], flats[u], texts[u],
                                               codes[u], threshold)
                verified += pairs
            if leader is None:
                number = leaders.add(u, flats[u], texts[u], codes[u])
                if kind == "minhash":
                    lsh.insert(number, sketches[u])
                leader_of[u] = u
            else:
                leader_of[u] = leaders.keys[leader]
        for i, u in zip(positions, unit):
            groups[i] = (article, leader_of[u])
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "groups": groups, "pairs": verified, "examined": examined,
            "checks": CONTRAST_CHECKS[0] - checks}


def _rss_mib() -> float:
    """Resident memory of this process now (MiB), from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * resource.getpagesize() / (1 << 20)
    except OSError:
        return 0.0


def run_hot(kind: str, n: int, threshold: float) -> dict:
    """One run on ``n`` comments all on one article, in this (fresh) process: 'legis'
    (cluster_by_article) or 'minhash' (run_baseline). Returns the time, pairwise P/R
    against the campaigns and the memory the data took before the run."""
    items, labels = generate(n)
    items = [(0, text) for _, text in items]
    data = _rss_mib()
    cpu = time.process_time()
    if kind == "legis":
        result = run_engine_memory(items, threshold)
    else:
        result = run_baseline("minhash", items, threshold)
    cpu = time.process_time() - cpu
    p, r = pair_scores(labels, result["groups"])
    return {"seconds": result["seconds"], "cpu": cpu, "precision": p, "recall": r,
            "data_mib": data,
            "groups": len(set(result["groups"])), "pairs": result["pairs"],
            "checks": result["checks"]}


def hot_article(sizes: list[int], threshold: float, minhash_max: int, repeat: int) -> None:
    """legis against the MinHash baseline with every comment on one article."""
    print(f"one hot article: every comment on one article; threshold {threshold:g}; "
          f"peak = ru_maxrss of a fresh process, data included; machine shared, so wall times "
          f"are noisy: CPU seconds of the process (process_time) are given beside them")
    points = []
    for n in sizes:
        runs = {}
        kinds = ["legis", "minhash"] if n <= minhash_max else ["legis"]
        # legis and the baseline alternate, so a busy spell on the machine hits both.
        for _ in range(max(1, repeat)):
            for kind in kinds:
                result, peak, _ = _in_child(run_hot, kind, n, threshold)
                result["peak"] = peak
                best = runs.get(kind)
                result["times"] = (best["times"] if best else []) + [result["seconds"]]
                if best is None or result["seconds"] < best["seconds"]:
                    runs[kind] = result
                else:
                    best["times"] = result["times"]
        for kind in kinds:
            res = runs[kind]
            name = "legis in memory" if kind == "legis" else "datasketch MinHashLSH"
            print(f"{n:>9,} {name:22s} {res['seconds']:7.2f} s (best of {_times(res)}), "
                  f"CPU {res['cpu']:6.2f} s, "
                  f"peak {res['peak']:6.0f} MiB (data {res['data_mib']:4.0f} MiB), "
                  f"pairs verified {res['pairs']:,}, contrast checks {res['checks']:,}, "
                  f"groups {res['groups']:,}, "
                  f"P {res['precision']:.4f} R {res['recall']:.4f}")
        points.append((n, runs["legis"]["cpu"]))
        if "minhash" in runs:
            mh, lg = runs["minhash"], runs["legis"]
            print(f"{n:>9,} MinHash / legis: {mh['seconds'] / lg['seconds']:.1f}x wall (best "
                  f"against best), {mh['cpu'] / lg['cpu']:.1f}x CPU")
    if len(points) > 1:
        print(f"log-log slope of legis CPU time vs size (one article): {_slope(points):.2f}")


def _best_of(repeat: int, run, *args) -> dict:
    """The fastest of ``repeat`` runs (timeit's rule: the others were slowed by something
    else on the machine), with every time in "times". Runs alternate with nothing else, so
    each pipeline finds the modules warm after the first."""
    results = [run(*args) for _ in range(max(1, repeat))]
    best = min(results, key=lambda r: r["seconds"])
    best["times"] = [r["seconds"] for r in results]
    return best


def _times(result: dict) -> str:
    return ", ".join(f"{t:.2f}" for t in result["times"])


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def sweep() -> None:
    """Pairwise precision / recall / F1 on tests/data/labelled_comments.jsonl per threshold."""
    from legis.matching import cluster_by_article
    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "labelled_comments.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    labels = [r["group"] for r in rows]
    print("threshold  precision  recall  F1     groups")
    for threshold in range(30, 85, 5):
        groups = cluster_by_article([(r["article"], r["text"]) for r in rows], threshold=threshold)
        p, r = pair_scores(labels, groups)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{threshold:9d}  {p:9.4f}  {r:6.4f}  {f1:.4f} {len(set(groups)):6d}")


def _need_datasketch() -> None:
    """Stop with how to install datasketch when the MinHash baseline is to run without it
    (a benchmark-only extra, not a dependency of legis)."""
    try:
        import datasketch  # noqa: F401
    except ImportError:
        sys.exit("The MinHash baseline needs datasketch (the benchmark extra, not installed by "
                 "`make install`): `.venv/bin/pip install -e '.[bench]'` (or `.venv/bin/pip "
                 "install datasketch`); --minhash-max 0 leaves the baseline out.")


def main() -> None:
    global MINHASH_THRESHOLD, MINHASH_PERM, MINHASH_HASH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--minhash-max", type=int, default=100_000,
                        help="largest size the MinHash baseline runs at")
    parser.add_argument("--minhash-threshold", type=float, default=MINHASH_THRESHOLD,
                        help="Jaccard threshold of the MinHash LSH baseline")
    parser.add_argument("--minhash-perm", type=int, default=MINHASH_PERM,
                        help="permutations of the MinHash LSH baseline")
    parser.add_argument("--minhash-hash", choices=("sha1", "int"), default=MINHASH_HASH,
                        help="hash of the MinHash baseline: datasketch's default sha1 of the "
                             "bytes, or the bigram code as an integer")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of legis in memory and of the MinHash baseline up to 100k "
                             "(best taken; one run above)")
    parser.add_argument("--sweep", action="store_true", help="threshold sweep on the labelled set")
    parser.add_argument("--hot-article", action="store_true",
                        help="every comment on one article (legis in memory against MinHash, "
                             "with peak memory)")
    args = parser.parse_args()
    MINHASH_THRESHOLD, MINHASH_PERM = args.minhash_threshold, args.minhash_perm
    MINHASH_HASH = args.minhash_hash
    if args.sweep:
        sweep()
        return
    from legis.matching import DEFAULT_THRESHOLD
    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    sizes = [int(s) for s in args.sizes.split(",")]
    if min(sizes) <= args.minhash_max:
        _need_datasketch()
    if args.hot_article:
        hot_article(sizes, threshold, args.minhash_max, args.repeat)
        return
    print(f"threshold {threshold:g}; peak memory = ru_maxrss of a fresh process "
          f"(+ its largest worker); machine shared with other jobs, times are noisy")
    engine_points, naive_rate = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            items, labels = generate(n)
            repeat = args.repeat if n <= 100_000 else 1     # a 1M MinHash run takes minutes
            path, out = Path(tmp) / f"in{n}.jsonl", Path(tmp) / f"out{n}.jsonl"
            _write_jsonl(items, path)
            # One process too where it is cheap: the baselines below run in one process.
            for processes in sorted({1, args.processes} if n <= 100_000 else {args.processes}):
                stats, own, workers = _in_child(run_engine_file, str(path), str(out), threshold,
                                                processes)
                groups = [json.loads(line)["group"] for line in out.open(encoding="utf-8")]
                p, r = pair_scores(labels, groups)
                print(f"{n:>9,} legis dedupe_jsonl, {processes} process(es): "
                      f"{stats['seconds']:7.1f} s, peak {own:6.0f} MiB (+worker {workers:5.0f} MiB), "
                      f"pairs verified {stats['pairs_verified']:,}, groups {stats['groups']:,}, "
                      f"P {p:.4f} R {r:.4f}")
                if processes == args.processes:
                    engine_points.append((n, stats["seconds"]))
            if n <= args.minhash_max:      # the like-for-like time for the baselines
                mem = _best_of(repeat, run_engine_memory, items, threshold)
                p, r = pair_scores(labels, mem["groups"])
                print(f"{n:>9,} legis in memory (1 process):  {mem['seconds']:7.2f} s "
                      f"(best of {_times(mem)}), CPU {mem['cpu']:.2f} s, "
                      f"pairs verified {mem['pairs']:,}, "
                      f"P {p:.4f} R {r:.4f}")
            if n <= 10_000:
                res = run_baseline("naive", items, threshold)
                p, r = pair_scores(labels, res["groups"])
                naive_rate = res["examined"] / res["seconds"]
                print(f"{n:>9,} naive all pairs (1 process):   {res['seconds']:7.1f} s, "
                      f"pairs examined {res['examined']:,} ({naive_rate:,.0f}/s), "
                      f"verified {res['pairs']:,}, P {p:.4f} R {r:.4f}")
            elif naive_rate:
                # Its pairs: every distinct text against every leader of its article, at most
                # n_a^2 / 2; estimated from the campaign structure as (distinct per article)^2/2.
                per_article = n / ARTICLES
                est_pairs = ARTICLES * per_article ** 2 / 2
                print(f"{n:>9,} naive all pairs (extrapolated): ~{est_pairs / naive_rate:,.0f} s "
                      f"for ~{est_pairs:,.0f} pairs at the measured rate (upper bound)")
            if n <= args.minhash_max:
                res = _best_of(repeat, run_baseline, "minhash", items, threshold)
                p, r = pair_scores(labels, res["groups"])
                print(f"{n:>9,} datasketch MinHashLSH (1 process): {res['seconds']:7.2f} s "
                      f"(best of {_times(res)}), CPU {res['cpu']:.2f} s, candidates "
                      f"{res['examined']:,}, pairs verified {res['pairs']:,}, P {p:.4f} R {r:.4f}; "
                      f"{res['seconds'] / mem['seconds']:.1f}x legis in memory (best against best), "
                      f"{res['cpu'] / mem['cpu']:.1f}x in CPU")
            path.unlink()
    if len(engine_points) > 1:
        print(f"log-log slope of legis time vs size: {_slope(engine_points):.2f}")


if __name__ == "__main__":
    main()
