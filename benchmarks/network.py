"""The contact-point network at city scale: 734 points (1 基地, 17 stations, 716 points), 20 drafts,
400,000 comments. Times the office's tracking table for one draft, the 台账 dashboard for a year
and the annual .xlsx export, each against a per-point loop baseline run in the same script.

    .venv/bin/python benchmarks/network.py [--comments 400000] [--database-url URL] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select
from starlette.testclient import TestClient

from legis.config import Settings
from legis.db import create_schema, make_engine, session_scope
from legis.models import (
    Comment,
    ContactPoint,
    Draft,
    Meeting,
    Opinion,
    Submission,
    utcnow,
)
from legis.parsing import parse_file
from legis.services import accounts, ledger, tracking
from legis.services.drafts import articles_of, current_version, import_draft
from legis.services.report_levels import load_tree
from legis.web.app import create_app

STATIONS, POINTS, DRAFTS = 17, 716, 20
DISTRICTS = ["东城区", "西城区", "南湖区", "北山区", "江北区", "新区"]
STATES = ["采纳", "部分采纳", "未采纳", "待研究"]
SUB_STATES = ["征集中", "已报送", "已接收", "已退回"]
YEAR = 2026


def bulk(connection, model, rows, size=5000):
    for i in range(0, len(rows), size):
        connection.execute(insert(model), rows[i:i + size])


def fill(engine, comments: int) -> dict:
    rng = random.Random(18)
    parsed = parse_file(ROOT / "drafts" / "shandong-wuye-guanli-tiaoli.txt")
    drafts = []
    with session_scope(engine, write=True) as session:
        for n in range(DRAFTS):
            draft = import_draft(session, parsed=parsed, slug=f"net{n}", open_until=None)
            # 12 drafts this year, 8 the year before: the annual figures cover 12.
            draft.comment_start = date(YEAR if n < 12 else YEAR - 1, 3, 1)
            draft.points_deadline = date(YEAR if n < 12 else YEAR - 1, 4, 1)
            version = current_version(session, draft=draft)
            drafts.append((draft.id, version.id, [a.id for a in articles_of(session, version=version)]))
        root = ContactPoint(name="市基层立法联系点基地", kind="主站", district="市本级")
        session.add(root)
        session.flush()
        stations = []
        for s in range(STATIONS):
            station = ContactPoint(name=f"第{s + 1}片区实践站", kind="站", parent_id=root.id,
                                   district=DISTRICTS[s % len(DISTRICTS)])
            session.add(station)
            session.flush()
            stations.append(station)
        accounts.create_user(session, username="bench", role="staff", password="bench-password-1")
    with engine.begin() as connection:
        bulk(connection, ContactPoint, [
            {"name": f"第{p + 1}联系点", "kind": "点", "parent_id": stations[p % STATIONS].id,
             "district": stations[p % STATIONS].district, "address": "", "report_level": "站",
             "created_at": utcnow()} for p in range(POINTS)])
        points = list(connection.execute(select(ContactPoint.id).where(ContactPoint.kind == "点")).scalars())
        opinions_per_draft = max(comments // DRAFTS // 10, 1)
        bulk(connection, Opinion, [
            {"draft_id": d, "article_id": rng.choice(arts), "text": f"归纳意见{d}-{i}",
             "text_edited": False, "staff_touched": False, "state": rng.choice(STATES),
             "reason": "", "change_note": "", "decided_by": "", "created_at": utcnow(),
             "updated_at": utcnow()}
            for d, _v, arts in drafts for i in range(opinions_per_draft)])
        opinion_ids: dict[int, list[int]] = {}
        for oid, did in connection.execute(select(Opinion.id, Opinion.draft_id)):
            opinion_ids.setdefault(did, []).append(oid)
        meetings = []
        for d, _v, _a in drafts:
            for p in rng.sample(points, len(points) // 2):
                meetings.append({"draft_id": d, "contact_point_id": p, "title": "座谈会",
                                 "place": "", "host_name": "", "expected_participants": 0,
                                 "participant_count": rng.randint(5, 40), "channel": "现场",
                                 "token": f"t{d}-{p}", "created_at": utcnow()})
        bulk(connection, Meeting, meetings)
        rows, n = [], 0
        per_draft = comments // DRAFTS
        for d, v, arts in drafts:
            for _ in range(per_draft):
                n += 1
                rows.append({"draft_id": d, "version_id": v, "article_id": rng.choice(arts),
                             "text": f"第{n}条意见：建议明确物业服务收费标准。", "name": "",
                             "community": "", "phone": "", "consent": False,
                             "contact_point_id": rng.choice(points), "channel": "现场",
                             "receipt_code": f"N{n:08d}", "opinion_id": rng.choice(opinion_ids[d]),
                             "excluded": False, "excluded_reason": "", "created_at": utcnow()})
                if len(rows) == 20000:
                    bulk(connection, Comment, rows)
                    rows = []
        bulk(connection, Comment, rows)
        subs = [{"draft_id": d, "contact_point_id": p, "state": rng.choice(SUB_STATES),
                 "cover_note": "", "return_note": "", "submitted_at": utcnow(), "submitted_by": "",
                 "reviewed_by": "", "updated_at": utcnow()}
                for d, _v, _a in drafts for p in rng.sample(points + [s.id for s in stations], 500)]
        bulk(connection, Submission, subs)
    return {"draft": drafts[0][0], "points": len(points) + STATIONS + 1}


def median_ms(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def tracking_loop(engine, draft_id: int) -> int:
    """Baseline: the same table with queries per point, as a first version would write it."""
    with session_scope(engine) as session:
        tree = load_tree(session)
        draft = session.get(Draft, draft_id)
        rows = 0
        for pid in tree.points:
            if not tree.submits(pid):
                continue
            scope = list(tree.subtree(pid))
            session.exec(select(func.count(Comment.id)).where(
                Comment.draft_id == draft.id, Comment.contact_point_id.in_(scope))).one()
            session.exec(select(func.count(Meeting.id), func.sum(Meeting.participant_count))
                         .where(Meeting.draft_id == draft.id,
                                Meeting.contact_point_id.in_(scope))).one()
            session.exec(select(Submission).where(Submission.draft_id == draft.id,
                                                  Submission.contact_point_id == pid)).first()
            rows += 1
        return rows


def ledger_loop(engine, year: int) -> int:
    """Baseline: each point's year figures with its own queries over its subtree."""
    with session_scope(engine) as session:
        tree = load_tree(session)
        drafts = ledger.drafts_of_year(session, year)
        for pid in tree.points:
            scope = list(tree.subtree(pid))
            session.exec(select(func.count(Comment.id)).where(
                Comment.draft_id.in_(drafts), Comment.contact_point_id.in_(scope))).one()
            session.exec(select(Opinion.state, func.count(func.distinct(Opinion.id)))
                         .join(Comment, Comment.opinion_id == Opinion.id)
                         .where(Comment.draft_id.in_(drafts), Comment.contact_point_id.in_(scope))
                         .group_by(Opinion.state)).all()
            session.exec(select(func.count(Meeting.id)).where(
                Meeting.draft_id.in_(drafts), Meeting.contact_point_id.in_(scope))).one()
        return len(tree.points)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=400_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/network.db"
        engine = make_engine(url)
        create_schema(engine)
        started = time.perf_counter()
        made = fill(engine, args.comments)
        print(f"{engine.dialect.name}: {made['points']} points, {DRAFTS} drafts, {args.comments} comments "
              f"inserted in {time.perf_counter() - started:.1f} s")
        draft_id = made["draft"]

        def service_tracking():
            with session_scope(engine) as session:
                return tracking.tracking_table(session, draft=session.get(Draft, draft_id),
                                               today=date(YEAR, 4, 15))

        def service_ledger():
            with session_scope(engine) as session:
                tree = load_tree(session)
                return ledger.ledger(session, year=YEAR, point_ids=ledger.in_scope(tree), tree=tree)

        def service_ledger_station():
            with session_scope(engine) as session:
                tree = load_tree(session)
                station = next(p for p, x in tree.points.items() if x.kind == "站")
                return ledger.ledger(session, year=YEAR, tree=tree,
                                     point_ids=ledger.in_scope(tree, station_id=station))

        def service_export():
            return ledger.ledger_xlsx(service_ledger(), year=YEAR)

        assert len(service_tracking().rows) == made["points"] - 1
        settings = Settings(database_url=url, secret_key="bench", data_dir=Path(tmp), load_samples=False)
        results = []
        with TestClient(create_app(settings), follow_redirects=False) as client:
            client.post("/login", data={"username": "bench", "password": "bench-password-1"})

            def page(path):
                def get():
                    response = client.get(path)
                    assert response.status_code == 200, response.status_code
                return get

            cases = [
                ("tracking table, one draft (service)", service_tracking,
                 None if args.no_baseline else (lambda: tracking_loop(engine, draft_id))),
                ("tracking table, one draft (whole page over HTTP)",
                 page(f"/manage/drafts/{draft_id}/tracking"), None),
                ("tracking table, one station (page)",
                 page(f"/manage/drafts/{draft_id}/tracking?station=2"), None),
                (f"台账 {YEAR}, all 734 points (service)", service_ledger,
                 None if args.no_baseline else (lambda: ledger_loop(engine, YEAR))),
                (f"台账 {YEAR} dashboard (whole page over HTTP)", page(f"/manage/ledger?year={YEAR}"), None),
                (f"台账 {YEAR}, one station's points ranked (service)", service_ledger_station, None),
                (f"台账 {YEAR}, one station (page)", page(f"/manage/ledger?year={YEAR}&station=2"), None),
                (f"annual 台账 .xlsx {YEAR} (service)", service_export, None),
                ("annual 台账 .xlsx (download over HTTP)", page(f"/manage/ledger/export.xlsx?year={YEAR}"),
                 None),
            ]
            for label, work, baseline in cases:
                ours = median_ms(work, args.repeat)
                base = median_ms(baseline, 1) if baseline else None
                results.append((label, ours, base))
        print("| what | median ms | per-point loop ms | ratio |")
        print("|---|---:|---:|---:|")
        for label, ours, base in results:
            ratio = f"{base / ours:.1f}x" if base else ""
            print(f"| {label} | {ours:.0f} | {'' if base is None else f'{base:.0f}'} | {ratio} |")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
