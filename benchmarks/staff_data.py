"""Data for the staff-page benchmarks: a draft with comments merged into opinions, written
with Core bulk inserts (a few seconds for 400,000 comments), on SQLite or PostgreSQL.

Opinion sizes follow a long tail, as merging leaves them on a hot article: a few opinions
hold hundreds of comments, most hold a handful.
"""

from __future__ import annotations

import random
import secrets
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text

from legis.db import create_schema, make_engine, session_scope
from legis.models import STATES, Comment, ContactPoint, Opinion, utcnow
from legis.parsing import parse_text
from legis.services import accounts
from legis.services.drafts import articles_of, current_version, import_draft

TOPICS = ["犬链长度", "登记费用", "疫苗接种", "粪便清理", "烈性犬名录", "夜间遛狗", "宠物医院", "流浪犬收容",
          "电梯遛狗", "噪音扰民"]
EXTRAS = ["", "我是幸福里3号楼502的王秀兰，电话13812345678。", "", "本人住5栋2单元301室。"]
USER, PASSWORD = "clerk", "bench-password-1"


def draft_text(articles: int) -> str:
    return "某市养犬管理条例（草案）\n\n" + "\n".join(
        f"第{n}条　养犬人应当遵守本条例第{n}项规定，并按照规定办理登记。" for n in range(1, articles + 1))


def sizes(comments: int, opinions: int, rng: random.Random) -> list[int]:
    """``opinions`` sizes adding up to ``comments``, long-tailed, every one at least 1."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(opinions)]
    spare = comments - opinions
    total = sum(weights)
    out = [1 + int(spare * w / total) for w in weights]
    for i in range(comments - sum(out)):
        out[i % opinions] += 1
    rng.shuffle(out)
    return out


@contextmanager
def database(url: str | None, tmp: Path):
    """An engine on a fresh database: SQLite under ``tmp``, or a new schema in PostgreSQL."""
    if not url:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        create_schema(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    engine = make_engine(scoped)
    try:
        create_schema(engine)
        yield scoped, engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_draft(engine, *, articles: int, slug: str = "bench") -> tuple[int, int, list[int]]:
    """The draft's id, its version's id and its article ids."""
    with session_scope(engine, write=True) as session:
        draft = import_draft(session, parsed=parse_text(draft_text(articles)), slug=slug,
                             open_until=None)
        version = current_version(session, draft=draft)
        return draft.id, version.id, [a.id for a in articles_of(session, version=version)]


def make_points(engine, count: int) -> list[int]:
    with session_scope(engine, write=True) as session:
        points = [ContactPoint(name=f"第{i + 1}联系点", district="东城区") for i in range(count)]
        session.add_all(points)
        session.flush()
        return [p.id for p in points]


def fill_article(engine, *, draft_id: int, version_id: int, article_id: int, comments: int,
                 opinions: int, rng: random.Random, points: list[int] | None = None,
                 decided: float = 0.0) -> None:
    """``comments`` comments on one article merged into ``opinions`` opinions; a share
    ``decided`` of the opinions decided (采纳 / 部分采纳 / 未采纳)."""
    now = utcnow()
    opinion_rows = []
    for g in range(opinions):
        state = rng.choice(STATES[:3]) if rng.random() < decided else STATES[3]
        opinion_rows.append({
            "draft_id": draft_id, "article_id": article_id, "text": f"关于{rng.choice(TOPICS)}的归纳意见{g}",
            "text_edited": False, "staff_touched": False, "state": state,
            "reason": "上位法已有规定" if state != STATES[3] else "", "change_note": "",
            "decided_by": "", "approved": False, "approved_by": "", "created_at": now, "updated_at": now})
    with engine.begin() as connection:
        ids = [row.id for row in connection.execute(
            insert(Opinion).returning(Opinion.id), opinion_rows)]
    members = [oid for oid, n in zip(ids, sizes(comments, opinions, rng), strict=True) for _ in range(n)]
    batch = []
    for i, opinion_id in enumerate(members):
        body = (f"关于{rng.choice(TOPICS)}的意见{i}：建议对养犬登记的要求作出更明确的规定，并说明办理期限和"
                f"所需材料，方便群众办理。{rng.choice(EXTRAS)}")
        batch.append({
            "draft_id": draft_id, "version_id": version_id, "article_id": article_id, "text": body,
            "name": "", "community": "", "phone": "", "consent": False,
            "contact_point_id": rng.choice(points) if points and rng.random() < 0.6 else None,
            "channel": "线上", "receipt_code": secrets.token_hex(6), "opinion_id": opinion_id,
            "excluded": False, "excluded_reason": "", "personal_data": "",
            "awaiting_confirmation": False, "withdrawn": False, "withdrawn_reason": "",
            "visitor": "", "created_at": now})
        if len(batch) == 5000:
            _insert_comments(engine, batch)
            batch = []
    if batch:
        _insert_comments(engine, batch)


def _insert_comments(engine, rows: list[dict]) -> None:
    with engine.begin() as connection:
        connection.execute(insert(Comment), rows)


def make_clerk(engine) -> None:
    with session_scope(engine, write=True) as session:
        accounts.create_user(session, username=USER, role="staff", password=PASSWORD)
