"""The staff comment list at 100,000 comments: time to build a page (first, middle, last,
filtered), each compared with the first page in the same run.

    .venv/bin/python benchmarks/comment_list.py [--comments 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from legis.db import create_schema, make_engine, session_scope
from legis.models import Comment, ContactPoint, utcnow
from legis.parsing import parse_file
from legis.services import comment_list
from legis.services.drafts import articles_of, current_version, import_draft


def fill(engine, count: int) -> int:
    rng = random.Random(7)
    with session_scope(engine, write=True) as session:
        parsed = parse_file(ROOT / "legis" / "sample_drafts" / "shandong-wuye-guanli-tiaoli.txt")
        draft = import_draft(session, parsed=parsed, slug="bench", open_until=None)
        version = current_version(session, draft=draft)
        articles = [a.id for a in articles_of(session, version=version)]
        points = []
        for i in range(20):
            point = ContactPoint(name=f"联系点{i}")
            session.add(point)
            session.flush()
            points.append(point.id)
        draft_id, version_id = draft.id, version.id
    start = utcnow() - timedelta(days=30)
    rows = []
    with engine.begin() as connection:
        for i in range(count):
            rows.append({
                "draft_id": draft_id, "version_id": version_id,
                "article_id": rng.choice(articles) if rng.random() > 0.1 else None,
                "text": f"第{i}条意见：建议进一步明确物业服务收费标准并公开收支情况。",
                "name": "", "community": "", "phone": "", "consent": False,
                "contact_point_id": rng.choice(points), "channel": rng.choice(["线上", "现场", "书面"]),
                "receipt_code": f"B{i:07d}", "excluded": False, "excluded_reason": "",
                "created_at": start + timedelta(seconds=i * 25),
            })
            if len(rows) == 5000:
                connection.execute(insert(Comment), rows)
                rows = []
        if rows:
            connection.execute(insert(Comment), rows)
    return draft_id


def timed(engine, draft_id: int, filters: comment_list.CommentFilters, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with session_scope(engine) as session:
            view = comment_list.comment_page(session, draft_id=draft_id, filters=filters)
        times.append(time.perf_counter() - started)
    assert view.rows or view.total == 0
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{tmp}/list.db")
        create_schema(engine)
        started = time.perf_counter()
        draft_id = fill(engine, args.comments)
        print(f"inserted {args.comments} comments in {time.perf_counter() - started:.1f} s")
        pages = -(-args.comments // comment_list.PAGE_SIZE)
        cases = {
            "first page": comment_list.CommentFilters(page=1),
            "middle page": comment_list.CommentFilters(page=pages // 2),
            "last page": comment_list.CommentFilters(page=pages),
            "one article": comment_list.CommentFilters(article_id=5),
            "one contact point, one channel": comment_list.CommentFilters(contact_point_id=3,
                                                                          channel="现场"),
        }
        print(f"{engine.dialect.name}, {args.comments} comments, {comment_list.PAGE_SIZE} a page")
        print("| page | median ms |")
        print("|---|---:|")
        for label, filters in cases.items():
            print(f"| {label} | {timed(engine, draft_id, filters):.0f} |")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
