"""The staff review page of one article at 200 comments and 80 opinions: server time and size,
against the same page at 20 comments and 8 opinions in the same run; and the cost of finding
personal data in comment text, against the text normalisation merging already does per comment.

    .venv/bin/python benchmarks/review_page.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient

from legis import matching, privacy
from legis.config import Settings
from legis.db import create_schema, make_engine, session_scope
from legis.models import Comment, Opinion
from legis.parsing import parse_text
from legis.services import accounts
from legis.services.comments import new_receipt_code
from legis.services.drafts import articles_of, current_version, import_draft
from legis.web.app import create_app

DRAFT = "某市养犬管理条例（草案）\n\n" + "\n".join(
    f"第{n}条　养犬人应当遵守本条例第{n}项规定。" for n in "一二三四五六七八九十")
TOPICS = ["犬链长度", "登记费用", "疫苗接种", "粪便清理", "烈性犬名录", "夜间遛狗", "宠物医院", "流浪犬收容",
          "电梯遛狗", "噪音扰民"]
EXTRAS = ["", "我是幸福里3号楼502的王秀兰，电话13812345678。", "联系人：赵建国，座机021-62345678。",
          "", "", "本人住5栋2单元301室。"]


def texts(rng: random.Random, count: int) -> list[str]:
    return [f"关于{rng.choice(TOPICS)}的意见{i}：建议对养犬登记的要求作出更明确的规定，并说明办理期限和"
            f"所需材料，方便群众办理。{rng.choice(EXTRAS)}" for i in range(count)]


def fill(engine, *, article_index: int, comments: int, opinions: int, rng) -> tuple[int, int]:
    with session_scope(engine, write=True) as session:
        from legis.models import Draft

        draft = session.exec(__import__("sqlmodel").select(Draft)).first()
        if draft is None:
            draft = import_draft(session, parsed=parse_text(DRAFT), slug="bench", open_until=None)
        version = current_version(session, draft=draft)
        article = articles_of(session, version=version)[article_index]
        groups = [Opinion(draft_id=draft.id, article_id=article.id, text=f"归纳意见{g}") for g in range(opinions)]
        session.add_all(groups)
        session.flush()
        for i, text in enumerate(texts(rng, comments)):
            session.add(Comment(draft_id=draft.id, version_id=version.id, article_id=article.id, text=text,
                                personal_data=privacy.label(text), channel="线上",
                                receipt_code=new_receipt_code(), opinion_id=groups[i % opinions].id))
        return draft.id, article.id


def page_ms(client: TestClient, url: str, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
        size = len(response.content)
    return statistics.median(times) * 1000, size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", secret_key="bench",
                            data_dir=Path(tmp), load_samples=False)
        engine = make_engine(settings.database_url)
        create_schema(engine)
        draft_id, small = fill(engine, article_index=0, comments=20, opinions=8, rng=rng)
        _draft, large = fill(engine, article_index=1, comments=200, opinions=80, rng=rng)
        with session_scope(engine, write=True) as session:
            accounts.create_user(session, username="clerk", role="staff", password="bench-password-1")
        with TestClient(create_app(settings)) as client:
            client.post("/login", data={"username": "clerk", "password": "bench-password-1"})
            base = f"/manage/drafts/{draft_id}/opinions"
            page_ms(client, f"{base}/{large}", 3)   # warm the templates
            small_ms, small_size = page_ms(client, f"{base}/{small}", args.repeat)
            large_ms, large_size = page_ms(client, f"{base}/{large}", args.repeat)
        engine.dispose()
    print("review page of one article, median of", args.repeat)
    print(f"  20 comments,  8 opinions: {small_ms:6.1f} ms  {small_size / 1024:6.1f} KB")
    print(f"  200 comments, 80 opinions: {large_ms:6.1f} ms  {large_size / 1024:6.1f} KB"
          f"  (x{large_ms / small_ms:.1f} the time, x{large_size / small_size:.1f} the size)")

    sample = texts(rng, 20_000)
    started = time.perf_counter()
    for text in sample:
        matching.normalise(text)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(1 for text in sample if privacy.kinds(text))
    cost = time.perf_counter() - started
    print(f"personal data in 20,000 comments: {cost * 1000:.0f} ms ({cost / len(sample) * 1e6:.0f} µs each,"
          f" {found} with personal data); normalising them for merging: {baseline * 1000:.0f} ms"
          f" (x{cost / baseline:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
