"""A streamed export (counts grouped in the database, comments read a chunk of opinions at
a time, rows written many at once) says exactly what the report read row by row says."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import insert

from legis.exporters.docx_report import COMMENT_COLUMNS, congress_report
from legis.exporters.figures import ordered_opinions, source_text
from legis.exporters.wordxml import CellStyle, Continued, Merged, Span, TableXml, _write_behind
from legis.models import Article, Comment, ContactPoint, Draft, DraftVersion, Opinion
from legis.services import reports

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


def _seed(engine) -> int:
    """A draft whose comments make ties between contact points that only the order of the
    comments breaks, with excluded, withdrawn and unmerged comments, and another draft."""
    with engine.begin() as conn:
        def draft() -> tuple[int, int, list[int]]:
            draft_id = conn.execute(insert(Draft).values(
                slug=f"s-{uuid.uuid4().hex[:8]}", title="某市养犬管理条例（草案）", status="open",
                description="", withdrawn_reason="", created_at=NOW, updated_at=NOW)
            ).inserted_primary_key[0]
            version_id = conn.execute(insert(DraftVersion).values(
                draft_id=draft_id, number=1, name="征求意见稿", is_current=True,
                source_filename="", source_sha256="", preamble="", warnings=[], created_at=NOW)
            ).inserted_primary_key[0]
            articles = [conn.execute(insert(Article).values(
                version_id=version_id, ordinal=i, number=i + 1, sub=0, label=label, text=text,
                paragraphs=[text], path=[])).inserted_primary_key[0]
                for i, (label, text) in enumerate([("第一条", "为了规范养犬行为，制定本条例。"),
                                                   ("第二条", "养犬人应当依法登记。")])]
            return draft_id, version_id, articles

        draft_id, version_id, (first, second) = draft()
        other_draft, other_version, (other_article, _) = draft()
        # Created in this order on purpose: ids do not sort the points as their comments do.
        points = [conn.execute(insert(ContactPoint).values(
            name=name, kind="点", district="", address="", report_level="站", created_at=NOW)
        ).inserted_primary_key[0] for name in ("西湖社区联系点", "东风街道联系点", "北山联系点")]
        west, east, north = points

        def opinion(draft: int, article: int | None, text: str, **kw) -> int:
            return conn.execute(insert(Opinion).values(
                draft_id=draft, article_id=article, text=text, state=kw.get("state", "待研究"),
                reason=kw.get("reason", ""), change_note="", decided_by="", approved_by="",
                created_at=NOW, updated_at=NOW)).inserted_primary_key[0]

        longer = opinion(draft_id, first, "建议将登记期限由三十日延长至六十日，联系电话13912345678",
                         state="未采纳", reason="上位法已有规定，已电话答复13698765432")
        leash = opinion(draft_id, second, "犬链长度不超过一点五米")
        overall = opinion(draft_id, None, "总体赞成")
        elsewhere = opinion(other_draft, other_article, "别的草案的意见")
        rows = []

        def comment(opinion_id, article, point, channel, **kw):
            n = len(rows)
            rows.append({
                "draft_id": kw.get("draft", draft_id), "version_id": kw.get("version", version_id),
                "article_id": article, "text": kw.get("text", f"第{n}条意见\n第二行 & <完>"),
                "name": kw.get("name", "王小明"), "community": "东湖社区",
                "phone": kw.get("phone", "13812345678"), "consent": True,
                "contact_point_id": point, "meeting_id": None, "channel": channel,
                "receipt_code": f"R{uuid.uuid4().hex[:12]}", "opinion_id": opinion_id,
                "excluded": kw.get("excluded", False), "excluded_reason": "",
                "personal_data": kw.get("personal_data", ""), "awaiting_confirmation": False,
                "withdrawn": kw.get("withdrawn", False), "withdrawn_reason": "", "visitor": "",
                "created_at": NOW + timedelta(minutes=n)})

        # 东风 is seen first, then 西湖 and 网络征集; each ends with two comments.
        comment(longer, first, east, "现场", phone="138-1234-5678")
        comment(longer, first, west, "线上", phone="+86 139 8765 4321")
        comment(longer, first, None, "线上", name="欧阳娜娜", phone="")
        comment(longer, first, west, "书面", text="我是退休职工刘建华，电话13700001111",
                personal_data="姓名、电话")
        comment(longer, first, east, "电话")
        comment(longer, first, None, "线上")
        comment(longer, first, north, "现场", excluded=True)
        comment(longer, first, north, "现场", withdrawn=True)
        comment(leash, second, north, "现场", name="John Smith")
        comment(leash, second, west, "现场")
        comment(leash, second, north, "书面", phone="0571-87654321")
        comment(overall, None, None, "线上", name="匿名")
        comment(None, first, east, "现场")                      # not merged yet
        comment(elsewhere, other_article, east, "现场", draft=other_draft, version=other_version)
        conn.execute(insert(Comment), rows)
    return draft_id


def _as_read(data) -> list:
    """What a report prints about each opinion and its comments, in the report's order."""
    opinions = ordered_opinions(data.opinions)
    return [(op.id, op.text, op.reason, op.supporters, op.contact_points, source_text(op),
             [(k, list(v.items())) for k, v in op.source_tally().items()], comments)
            for op, comments in data.comments_of(opinions)]


@pytest.mark.parametrize("internal", [False, True])
def test_streamed_report_says_what_the_report_read_row_by_row_says(engine, db, internal):
    draft_id = _seed(engine)
    read = reports.build_report(db, draft_id=draft_id, office="法工委", internal=internal)
    streamed = reports.build_report(db, draft_id=draft_id, office="法工委", internal=internal,
                                    engine=engine)
    assert streamed.comment_loader is not None and read.comment_loader is None
    assert _as_read(streamed) == _as_read(read)
    assert (streamed.comments, streamed.contact_points, streamed.point_names, streamed.channels(),
            [a.label for a in streamed.articles]) == (
        read.comments, read.contact_points, read.point_names, read.channels(),
        [a.label for a in read.articles])
    longer = next(op for op in streamed.opinions if op.text.startswith("建议将登记期限"))
    # Two comments each: the tie goes to the point whose comment came first.
    assert longer.contact_points == ["东风街道联系点", "西湖社区联系点"]
    assert longer.supporters == 6 and streamed.comments == 10
    assert source_text(longer) == "东风街道联系点2条、西湖社区联系点2条、网络征集2条"
    [(_, comments)] = streamed.comments_of([longer])
    if internal:
        assert "13912345678" in longer.text and "13698765432" in longer.reason
        assert [c.phone for c in comments][:2] == ["138-1234-5678", "+86 139 8765 4321"]
    else:
        assert "13912345678" not in longer.text and "13698765432" not in longer.reason
        assert [c.phone for c in comments][:3] == ["138****5678", "139****4321", None]
        assert [c.name for c in comments][:3] == ["王某", "王某", "欧阳某"]
        assert "刘建华" not in comments[3].text and "13700001111" not in comments[3].text
    assert comments[0].created_at == datetime(2026, 3, 1, 10, 30)    # Beijing time


def test_streamed_report_document_reads_back_with_every_comment(engine, db):
    draft_id = _seed(engine)
    data = reports.build_report(db, draft_id=draft_id, office="法工委", engine=engine)
    document = Document(io.BytesIO(congress_report(data)))
    appendix = document.tables[-1]
    texts = [[cell.text for cell in row.cells] for row in appendix.rows]
    numbered = [row for row in texts if row[0].isdigit()]
    assert len(numbered) == 10
    first = next(row for row in numbered if row[2].startswith("第0条意见"))
    assert first[2] == "第0条意见\n第二行 & <完>"   # a line break is a new paragraph
    assert first[3:] == ["东风街道联系点", "现场", "王某", "138****5678"]
    assert any(row[2] == "我是退休职工刘某，电话137****1111" for row in numbered)


STYLE = CellStyle("TableText", "仿宋_GB2312", 10.5)


@pytest.mark.parametrize("joiner", ["", "\ue000"])
def test_rows_written_many_at_once_are_the_rows_written_one_by_one(joiner):
    table = TableXml(COMMENT_COLUMNS, body=STYLE, head=STYLE)
    rows = [
        Span("1. 第一条：建议“延长”期限（未采纳，原始意见2条）"),
        [1, "第一条", "a & b < c > d \"e\"\r\n第二行\r第三行\n" + joiner, "东风街道联系点", "现场",
         "王某", "138****5678"],
        [2, "第一条", "控制字符\x01\x0b留下的\ufffe文字", None, "线上", "", ""],
        [3, "总体意见", "一", "二\n", "三", "四", "%s {0} 五"],
        [Merged("合并", True), Continued(False), "x", "y", "z", "w", "v"],
        [4, "不足七列"],
        [5, "第二条", "\n", "", "", "", "\n\n"],
    ]
    assert table.rows(rows) == "".join(table.row(r) for r in rows).encode("utf-8")
    chunks = list(table.chunks(iter(rows * 300)))
    assert b"".join(chunks[1:-1]) == "".join(table.row(r) for r in rows * 300).encode("utf-8")
    assert len(chunks) > 3          # written a chunk of rows at a time


class _FullDisk(io.BytesIO):
    def write(self, data):
        if self.tell() > 10:
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_a_failed_write_reaches_the_caller_and_nothing_waits_forever():
    with pytest.raises(OSError, match="No space"):
        _write_behind(_FullDisk(), (b"x" * 8 for _ in range(100)))

    def broken():
        yield b"<w:document>"
        raise ValueError("行数据有误")

    out = io.BytesIO()
    with pytest.raises(ValueError, match="行数据有误"):
        _write_behind(out, broken())
    assert out.getvalue() == b"<w:document>"
