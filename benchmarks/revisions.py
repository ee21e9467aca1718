"""Article-mapping accuracy on version pairs built from the corpus, and time for 1,000 articles.

Run: .venv/bin/python benchmarks/revisions.py [--seed N] [--runs N]

Each of the 60 corpus files is parsed (legis.parsing.parse_file) and turned
into a "next version" by one kind of operation at a time, then by all of them
together: renumbering, 第X条之一 insertions, deletions, splits, merges, moves
and realistic text edits (changed periods and amounts, 应当 -> 必须, an added
clause or 款, a dropped phrase), with cross-references (依照第十条) rewritten
to the new numbers the way a drafter does. The truth is known by construction;
an article is mapped correctly when map_articles gives exactly its true
counterpart set (and a new article when it is reported as new).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process

from benchmarks.parse import corpus_dir
from legis.numerals import article_label
from legis.parsing import parse_file
from legis.revisions import ArticleText, Link, map_articles, normalise

TARGET_ACCURACY = 0.98
TARGET_SECONDS = 2.0


# ---------------------------------------------------------------- building a next version


@dataclass
class Item:
    """An article of the version being built: its text and the old articles it came from."""

    text: str
    origin: tuple[int, ...]          # old indexes; () for an inserted article
    truth: str                       # same / edited / split / merged / new (renumbered decided later)
    sub_of: int | None = None        # 之X articles keep the number of the one before


@dataclass
class Pair:
    old: list[ArticleText]
    new: list[ArticleText]
    truth_old: dict[str, frozenset[str]]       # old key -> its new keys (empty: deleted)
    kind_old: dict[str, str]                   # old key -> true kind
    new_only: set[str] = field(default_factory=set)


_MODALS = [("应当", "必须"), ("可以", "应当"), ("有关部门", "有关主管部门"),
           ("县级以上", "市、区"), ("予以", "依法予以"), ("责令改正", "责令限期改正"),
           ("组织", "组织和指导"), ("及时", "在规定时间内")]
_CLAUSES = ["，并向社会公布", "，具体办法由市人民政府另行制定", "，并报上一级主管部门备案",
            "，保障公众的知情权和参与权", "，加强信息共享和协同配合", "，不得收取费用"]
_NEW_PARAGRAPHS = ["违反前款规定的，由有关主管部门责令改正；拒不改正的，处一千元以上五千元以下罚款。",
                   "市人民政府应当将前款规定的事项纳入国民经济和社会发展规划。",
                   "具体实施办法由市人民政府制定，报市人民代表大会常务委员会备案。"]
_CN_NUMBER = re.compile(r"[一二三四五六七八九十百千]+(?=日|个工作日|年|元|万元|人|次)")
_DIGITS = "一二三四五六七八九十"


def edit_text(text: str, rng: random.Random) -> str:
    """One to three edits of the kinds drafters make between readings."""
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        numbers = list(_CN_NUMBER.finditer(text))
        modals = [(a, b) for a, b in _MODALS if a in text]
        if choice < 0.25 and numbers:
            m = rng.choice(numbers)
            text = text[:m.start()] + rng.choice(["十五", "三十", "六十", "五", "二十"]) + text[m.end():]
        elif choice < 0.5 and modals:
            a, b = rng.choice(modals)
            text = text.replace(a, b, 1)
        elif choice < 0.7 and "。" in text:
            stops = [m.start() for m in re.finditer("。", text)]
            at = rng.choice(stops)
            text = text[:at] + rng.choice(_CLAUSES) + text[at:]
        elif choice < 0.85:
            commas = [m.start() for m in re.finditer("，", text)]
            if len(commas) >= 2:
                k = rng.randrange(len(commas) - 1)
                text = text[:commas[k]] + text[commas[k + 1]:]
            else:
                text = text + "\n" + rng.choice(_NEW_PARAGRAPHS)
        else:
            text = text + "\n" + rng.choice(_NEW_PARAGRAPHS)
    return text


def rewrite_text(text: str, rng: random.Random, pool: list[str]) -> str:
    """A heavier redraft: one sentence (or clause) replaced by another text's, then small edits."""
    sentences = re.findall(r"[^。；]+[。；]?", text)
    donor = re.findall(r"[^。；]+[。；]?", rng.choice(pool)) or ["。"]
    if len(sentences) >= 2:
        k = rng.randrange(len(sentences))
        sentences[k] = rng.choice(donor)
        text = "".join(sentences)
    else:
        clauses = text.split("，")
        if len(clauses) >= 2:
            k = rng.randrange(len(clauses))
            clauses[k] = rng.choice(donor).rstrip("。；")[:30]
            text = "，".join(clauses)
    return edit_text(text, rng)


def split_text(text: str, rng: random.Random) -> tuple[str, str] | None:
    """Two articles from one: at a 款 boundary, else after a full stop near the middle."""
    paragraphs = text.split("\n")
    if len(paragraphs) >= 2:
        k = rng.randint(1, len(paragraphs) - 1)
        return "\n".join(paragraphs[:k]), "\n".join(paragraphs[k:])
    stops = [m.end() for m in re.finditer("[。；]", text) if 0 < m.end() < len(text)]
    if not stops:
        return None
    at = min(stops, key=lambda s: abs(s - len(text) / 2))
    return text[:at], text[at:]


OPERATIONS = ("edit", "rewrite", "renumber", "insert", "delete", "split", "merge", "move",
              "mixed", "heavy")


def next_version(texts: list[str], labels: list[str], op: str, rng: random.Random,
                 pool: list[str]) -> Pair:
    """A next version of one regulation by ``op`` (or every operation, for "mixed")."""
    n = len(texts)
    items = [Item(t, (i,), "same") for i, t in enumerate(texts)]
    # Per operation: 8% of the articles. "mixed" (a typical 二审稿): 8% edited,
    # 4% each of the rest. "heavy" (a redraft): 15% edited, 10% rewritten, 5%
    # each of the rest. "renumber" inserts articles and renumbers everything
    # after them; "insert" keeps the numbers and labels insertions 第X条之一.
    share = {"mixed": {"edit": 0.08, "insert": 0.04, "delete": 0.04, "split": 0.04,
                       "merge": 0.04, "move": 0.04},
             "heavy": {"edit": 0.15, "rewrite": 0.10, "insert": 0.05, "delete": 0.05,
                       "split": 0.05, "merge": 0.05, "move": 0.05},
             "renumber": {"insert": 0.08}}.get(op, {op: 0.08})
    for kind, rate in share.items():
        for _ in range(max(1, round(n * rate))):
            _apply(kind, items, rng, pool)
    renumber = op not in ("edit", "rewrite", "insert")
    new_labels = _labels(items, labels, renumber)
    label_map = {labels[it.origin[0]]: new_labels[k] for k, it in enumerate(items)
                 if len(it.origin) == 1 and it.truth in ("same", "edited")}
    old = [ArticleText(f"o{i}", labels[i], t) for i, t in enumerate(texts)]
    new = []
    truth_old: dict[str, set[str]] = {f"o{i}": set() for i in range(n)}
    kind_old = {f"o{i}": "deleted" for i in range(n)}
    new_only = set()
    for k, it in enumerate(items):
        key = f"n{k}"
        new.append(ArticleText(key, new_labels[k], _rewrite_references(it.text, label_map)))
        if not it.origin:
            new_only.add(key)
        for i in it.origin:
            truth_old[f"o{i}"].add(key)
            kind = it.truth
            if kind == "same" and new_labels[k] != labels[i]:
                kind = "renumbered"
            kind_old[f"o{i}"] = kind
    return Pair(old, new, {k: frozenset(v) for k, v in truth_old.items()}, kind_old, new_only)


def _apply(kind: str, items: list[Item], rng: random.Random, pool: list[str]) -> None:
    plain = [k for k, it in enumerate(items) if it.truth == "same" and len(it.origin) == 1]
    if not plain:
        return
    k = rng.choice(plain)
    item = items[k]
    if kind == "edit":
        item.text, item.truth = edit_text(item.text, rng), "edited"
    elif kind == "rewrite":
        item.text, item.truth = rewrite_text(item.text, rng, pool), "edited"
    elif kind == "insert":
        items.insert(k + 1, Item(rng.choice(pool), (), "new", sub_of=k))
    elif kind == "delete":
        del items[k]
    elif kind == "split":
        parts = split_text(item.text, rng)
        if parts:
            items[k:k + 1] = [Item(parts[0], item.origin, "split"),
                              Item(parts[1], item.origin, "split")]
    elif kind == "merge":
        if k + 1 < len(items) and items[k + 1].truth == "same" and len(items[k + 1].origin) == 1:
            other = items[k + 1]
            items[k:k + 2] = [Item(item.text + "\n" + other.text, item.origin + other.origin,
                                   "merged")]
    elif kind == "move":
        moved = items.pop(k)
        items.insert(rng.choice(_boundaries(items)), moved)


def _boundaries(items: list[Item]) -> list[int]:
    """Places an article can go without landing between the parts of a split one."""
    return [p for p in range(len(items) + 1)
            if p in (0, len(items)) or not items[p].origin
            or items[p - 1].origin != items[p].origin]


def _labels(items: list[Item], labels: list[str], renumber: bool) -> list[str]:
    """Renumbered 第一条…, or the old numbers kept with insertions as 第X条之一."""
    if renumber:
        return [article_label(n) for n in range(1, len(items) + 1)]
    out, number, sub = [], 0, 0
    for it in items:
        if it.truth == "new" and out:
            sub += 1
            out.append(article_label(number, sub))
        else:
            number, sub = number + 1, 0
            out.append(article_label(number))
    return out


_REF = re.compile(r"第[一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?")


def _rewrite_references(text: str, label_map: dict[str, str]) -> str:
    return _REF.sub(lambda m: label_map.get(m.group(0), m.group(0)), text)


# ---------------------------------------------------------------- scoring


def baseline_map(old: list[ArticleText], new: list[ArticleText]) -> list[Link]:
    """The obvious approach, for comparison: every pair scored (full cdist), best pairs taken
    greedily one to one above 50, no position, no splits or merges."""
    matrix = process.cdist([normalise(a.text) for a in old], [normalise(a.text) for a in new],
                           scorer=fuzz.ratio, score_cutoff=50, workers=-1)
    rows, cols = matrix.nonzero()
    pairs = sorted(((float(matrix[r, c]), int(r), int(c)) for r, c in zip(rows, cols, strict=True)),
                   reverse=True)
    used_old, used_new, links = set(), set(), []
    for score, r, c in pairs:
        if r not in used_old and c not in used_new:
            used_old.add(r)
            used_new.add(c)
            links.append(Link((old[r].key,), (new[c].key,), "edited", score))
    links += [Link((a.key,), (), "deleted", 0.0) for r, a in enumerate(old) if r not in used_old]
    links += [Link((), (a.key,), "new", 0.0) for c, a in enumerate(new) if c not in used_new]
    return links


def score_pair(pair: Pair, mapper=map_articles) -> dict[str, list[int]]:
    """[correct, total] per true kind, over old articles and new (inserted) ones."""
    links = mapper(pair.old, pair.new)
    predicted: dict[str, frozenset[str]] = {}
    new_reported = set()
    for link in links:
        for key in link.old_keys:
            predicted[key] = frozenset(link.new_keys)
        if not link.old_keys:
            new_reported.update(link.new_keys)
    kinds = {key: link.kind for link in links for key in link.old_keys}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, truth in pair.truth_old.items():
        kind = pair.kind_old[key]
        tally[kind][1] += 1
        tally[kind][0] += predicted.get(key) == truth
        tally["kind-label"][1] += 1
        tally["kind-label"][0] += predicted.get(key) == truth and kinds.get(key) == kind
    for key in pair.new_only:
        tally["new"][1] += 1
        tally["new"][0] += key in new_reported
    return tally


def load_corpus() -> list[tuple[str, list[str], list[str]]]:
    files = sorted(p for p in corpus_dir().iterdir() if p.suffix in (".txt", ".docx"))
    out = []
    for path in files:
        parsed = parse_file(path)
        out.append((path.name, [a.label for a in parsed.articles],
                    [a.text for a in parsed.articles]))
    return out


def thousand(corpus, rng: random.Random, size: int = 1000) -> tuple[list[str], list[str]]:
    texts = [t for _, _, ts in corpus for t in ts]
    rng.shuffle(texts)
    texts = texts[:size]
    return [article_label(n) for n in range(1, len(texts) + 1)], texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--runs", type=int, default=5, help="timing: median of N runs")
    args = parser.parse_args()
    corpus = load_corpus()
    pool = [t for _, _, ts in corpus for t in ts]

    per_op: dict[str, dict[str, list[int]]] = {}
    base_op: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kind_label = [0, 0]
    for op in OPERATIONS:
        op_tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for name, labels, texts in corpus:
            others = [t for other, _, ts in corpus if other != name for t in ts]
            pair = next_version(texts, labels, op, random.Random(f"{args.seed}-{op}-{name}"),
                                others)
            for kind, (ok, total) in score_pair(pair, baseline_map).items():
                if kind != "kind-label":
                    base_op[op][0] += ok
                    base_op[op][1] += total
            for kind, (ok, total) in score_pair(pair).items():
                if kind == "kind-label":
                    kind_label[0] += ok
                    kind_label[1] += total
                    continue
                op_tally[kind][0] += ok
                op_tally[kind][1] += total
                per_kind[kind][0] += ok
                per_kind[kind][1] += total
        per_op[op] = op_tally

    print(f"corpus: {len(corpus)} files, {sum(len(t) for _, _, t in corpus)} articles; "
          f"seed {args.seed}\n")
    print("| scenario | articles | mapped correctly | accuracy | baseline accuracy |")
    print("|---|---:|---:|---:|---:|")
    all_ok = all_total = 0
    for op, tally in per_op.items():
        ok = sum(v[0] for v in tally.values())
        total = sum(v[1] for v in tally.values())
        all_ok, all_total = all_ok + ok, all_total + total
        print(f"| {op} | {total} | {ok} | {ok / total:.2%} | "
              f"{base_op[op][0] / base_op[op][1]:.2%} |")
    overall = all_ok / all_total
    base = sum(v[0] for v in base_op.values()) / sum(v[1] for v in base_op.values())
    print(f"| **all** | {all_total} | {all_ok} | **{overall:.2%}** "
          f"({'OK' if overall >= TARGET_ACCURACY else 'MISSED'} target ≥ {TARGET_ACCURACY:.0%}) "
          f"| {base:.2%} |")
    print("\n| true kind | articles | mapped correctly | accuracy |")
    print("|---|---:|---:|---:|")
    for kind in ("same", "renumbered", "edited", "split", "merged", "deleted", "new"):
        ok, total = per_kind.get(kind, [0, 0])
        if total:
            print(f"| {kind} | {total} | {ok} | {ok / total:.2%} |")
    changed = [per_kind[k] for k in ("edited", "split", "merged", "deleted", "new")]
    ok, total = sum(c[0] for c in changed), sum(c[1] for c in changed)
    print(f"| *changed articles only* | {total} | {ok} | {ok / total:.2%} |")
    print(f"\nold articles mapped correctly *and* given the right kind: "
          f"{kind_label[0]}/{kind_label[1]} = {kind_label[0] / kind_label[1]:.2%}")

    print("\n| 1,000-article version | median s | max s | accuracy | baseline s | baseline accuracy |")
    print("|---|---:|---:|---:|---:|---:|")
    for op in ("mixed", "edit-all"):
        labels, texts = thousand(corpus, random.Random(args.seed))
        if op == "edit-all":
            edit_rng = random.Random(args.seed + 1)
            items_texts = [edit_text(t, edit_rng) for t in texts]
            pair = Pair([ArticleText(f"o{i}", labels[i], t) for i, t in enumerate(texts)],
                        [ArticleText(f"n{i}", labels[i], t) for i, t in enumerate(items_texts)],
                        {f"o{i}": frozenset({f"n{i}"}) for i in range(len(texts))},
                        dict.fromkeys((f"o{i}" for i in range(len(texts))), "edited"))
        else:
            pair = next_version(texts, labels, "mixed", random.Random(args.seed + 2), pool)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            map_articles(pair.old, pair.new)
            times.append(time.perf_counter() - start)
        base_times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            baseline_map(pair.old, pair.new)
            base_times.append(time.perf_counter() - start)
        accuracy, base_accuracy = (_accuracy(score_pair(pair, mapper))
                                   for mapper in (map_articles, baseline_map))
        verdict = "OK" if statistics.median(times) < TARGET_SECONDS else "MISSED"
        print(f"| {op}: {len(pair.old)} → {len(pair.new)} 条 | {statistics.median(times):.3f} "
              f"({verdict} < {TARGET_SECONDS:.0f} s) | {max(times):.3f} | {accuracy:.2%} | "
              f"{statistics.median(base_times):.3f} | {base_accuracy:.2%} |")


def _accuracy(tally: dict[str, list[int]]) -> float:
    tally.pop("kind-label", None)
    return sum(v[0] for v in tally.values()) / sum(v[1] for v in tally.values())


if __name__ == "__main__":
    main()
