"""`legis dedupe`: merge the comments of a JSON Lines file into opinion groups."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Hashable
from os import PathLike
from typing import TextIO

from legis.errors import NotFound, ValidationError
from legis.matching.cluster import cluster_spaced
from legis.matching.leaders import DEFAULT_THRESHOLD, VERIFIED_PAIRS, check_threshold
from legis.matching.normalise import spaced_many


class Progress:
    """A one-line progress bar on a text stream (redrawn at most ten times a second)."""

    def __init__(self, stream: TextIO | None, label: str, total: int, width: int = 30):
        self.stream, self.label, self.total, self.width = stream, label, max(total, 1), width
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        self._draw(force=True)

    def update(self, n: int) -> None:
        self.done += n
        self._draw()

    def close(self) -> None:
        self.done = self.total
        self._draw(force=True)
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * self.width)
        self.stream.write(f"\r{self.label} [{bar:<{self.width}}] {share:6.1%} "
                          f"{self.done:,}/{self.total:,} {now - self.started:6.1f}s")
        self.stream.flush()


def _article_key(value: object, line_no: int) -> Hashable:
    if value is None or isinstance(value, (str, int)):
        return value
    raise ValidationError(f"第 {line_no} 行的 article 应为条文编号（文本或数字）或 null（总体意见）。")


def read_comments(input_path: str | PathLike[str]) -> tuple[list, list[Hashable], list[str], int]:
    """(ids, article keys, texts, lines read) of a comments file, or a LegisError naming the line."""
    try:
        return _read_well_formed(input_path)
    except (OSError, ValueError, KeyError):     # read again line by line, to say where
        return _read_line_by_line(input_path)


def _read_well_formed(input_path: str | PathLike[str]) -> tuple[list, list[Hashable], list[str], int]:
    # The common case in one go: every line a JSON object with a text and an id.
    # Any exception sends the caller to _read_line_by_line, which names the bad line.
    ids: list = []
    keys: list[Hashable] = []
    texts: list[str] = []
    with open(input_path, encoding="utf-8") as fh:
        for row in map(json.loads, fh):      # a blank line raises too
            if type(row) is not dict:
                raise ValueError
            texts.append(row["text"])
            ids.append(row["id"])
            keys.append(row.get("article"))
    if not all(type(t) is str for t in texts) or \
            not all(k is None or isinstance(k, (str, int)) for k in keys):
        raise ValueError
    return ids, keys, texts, len(texts)


def _read_line_by_line(input_path: str | PathLike[str]) -> tuple[list, list[Hashable], list[str], int]:
    ids: list = []
    keys: list[Hashable] = []
    texts: list[str] = []
    line_no = 0
    try:
        with open(input_path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValidationError(f"第 {line_no} 行不是有效的 JSON（{exc.msg}）。") from None
                if not isinstance(row, dict):
                    raise ValidationError(f"第 {line_no} 行应为一个 JSON 对象，含 id、article、text。")
                text = row.get("text")
                if not isinstance(text, str):
                    raise ValidationError(f"第 {line_no} 行缺少 text（意见内容）或它不是文本。")
                if "id" not in row:
                    raise ValidationError(f"第 {line_no} 行缺少 id。")
                ids.append(row["id"])
                keys.append(_article_key(row.get("article"), line_no))
                texts.append(text)
    except FileNotFoundError:
        raise NotFound(f"找不到输入文件：{input_path}") from None
    except UnicodeDecodeError:
        raise ValidationError(f"输入文件第 {line_no + 1} 行不是 UTF-8 编码的文本。") from None
    return ids, keys, texts, line_no


def _json_value(value: object) -> str:
    return str(value) if type(value) is int else json.dumps(value, ensure_ascii=False)


def _cluster_article(positions: list[int]) -> tuple[list[int], list[int], int]:
    # Runs in a worker process forked after _JOB was set: only positions travel.
    texts, threshold = _JOB
    spaced = spaced_many([texts[i] for i in positions])
    before = VERIFIED_PAIRS[0]
    groups = cluster_spaced([None] * len(positions), spaced, threshold)
    return positions, groups, VERIFIED_PAIRS[0] - before


_JOB: tuple[list[str], float] = ([], DEFAULT_THRESHOLD)


def cluster_in_processes(keys: list[Hashable], texts: list[str], threshold: float, *,
                         processes: int, tick=None) -> tuple[list[int], int]:
    """``cluster_by_article`` with articles spread over worker processes (same result),
    and the number of (comment, leader) pairs verified with rapidfuzz."""
    global _JOB
    by_article: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        by_article.setdefault(key, []).append(i)
    # Biggest articles first, so no worker is left with a large one at the end.
    jobs = sorted(by_article.values(), key=len, reverse=True)
    label = [0] * len(texts)
    verified = 0
    _JOB = (texts, threshold)
    try:
        if processes > 1 and len(jobs) > 1:
            with mp.get_context("fork").Pool(processes) as pool:
                results = pool.imap_unordered(_cluster_article, jobs)
                for positions, groups, pairs in results:
                    _collect(label, positions, groups, tick)
                    verified += pairs
        else:
            for job in jobs:
                positions, groups, pairs = _cluster_article(job)
                _collect(label, positions, groups, tick)
                verified += pairs
    finally:
        _JOB = ([], DEFAULT_THRESHOLD)
    numbering: dict[int, int] = {}
    return [numbering.setdefault(x, len(numbering)) for x in label], verified


def _collect(label: list[int], positions: list[int], groups: list[int], tick) -> None:
    # A group's first position is unique across articles: a global label.
    first: dict[int, int] = {}
    for i, group in zip(positions, groups):
        label[i] = first.setdefault(group, i)
    if tick is not None:
        tick(len(positions))


def dedupe_jsonl(input_path: str | PathLike[str], output_path: str | PathLike[str], *,
                 threshold: float = DEFAULT_THRESHOLD,
                 progress: TextIO | None = sys.stderr,
                 processes: int | None = None) -> dict:
    """Read {"id", "article", "text"} lines, write {"id", "group"} lines in the same order.

    Returns stats: lines (comments read), groups, seconds, pairs_verified. A bad line raises LegisError
    with its line number before anything is written. ``progress=None`` keeps quiet.
    Articles are merged in ``processes`` worker processes (default: one per core, at
    most 4); groups are numbered 0.. in order of first appearance, as by cluster_by_article.
    """
    threshold = check_threshold(threshold)
    started = time.perf_counter()
    ids, keys, texts, _ = read_comments(input_path)
    if processes is None:
        processes = min(os.cpu_count() or 1, 4)
    bar = Progress(progress, "归并", len(texts))
    groups, verified = cluster_in_processes(keys, texts, threshold, processes=processes,
                                            tick=bar.update)
    bar.close()
    with open(output_path, "w", encoding="utf-8") as out:
        # As json.dumps({"id": comment_id, "group": group}, ensure_ascii=False) per line.
        out.write("".join([f'{{"id": {_json_value(comment_id)}, "group": {group}}}\n'
                           for comment_id, group in zip(ids, groups)]))
    return {"lines": len(texts), "groups": len(set(groups)),
            "seconds": round(time.perf_counter() - started, 3), "pairs_verified": verified}
