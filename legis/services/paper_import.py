"""Paper comments from a spreadsheet: resolve article numbers, validate rows, save all or nothing."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from legis.errors import LegisError, ValidationError
from legis.models import Article, Draft, Meeting
from legis.numerals import article_label, cn_to_int
from legis.services.comments import CommentInput, submit_comment
from legis.services.uploaded_tables import cell_text, table_records

# ---------------------------------------------------------------- article numbers

OVERALL = (0, 0)
OVERALL_WORDS = frozenset(
    {"0", "〇", "零", "总", "总体", "总体意见", "整体", "整体意见", "全文", "總", "總體", "總體意見"}
)
_NUM = "0-9零〇一二两三四五六七八九十百千"
_REF_RE = re.compile(
    rf"^第?(?P<n>[{_NUM}]+)[条條]?(?:(?:之|-|—|–|_)(?P<s>[{_NUM}]+))?[条條]?$"
)


def parse_article_ref(raw: object) -> tuple[int, int] | None:
    """(number, sub) of what a host typed — 12, 12-1, 12之1, 第十条之一, 十二 — or OVERALL; None if unreadable."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    if text in OVERALL_WORDS:
        return OVERALL
    match = _REF_RE.match(text)
    if not match:
        return None
    try:
        number = cn_to_int(match["n"])
        sub = cn_to_int(match["s"]) if match["s"] else 0
    except ValueError:
        return None
    if number == 0:
        return OVERALL if sub == 0 else None
    return number, sub


def resolve_article(articles: Sequence[Article], raw: object) -> Article | None:
    """The article ``raw`` names among ``articles``; None for 总体意见 or no such article.

    Pure: reads only ``number`` and ``sub`` of the given objects. Use
    ``pick_article`` to tell 总体意见 from an unknown number.
    """
    ref = parse_article_ref(raw)
    if ref is None or ref == OVERALL:
        return None
    return next((a for a in articles if (a.number, a.sub) == ref), None)


@dataclass
class ArticlePick:
    """What an article field resolved to: an article, 总体意见, or an error to show."""

    article: Article | None = None
    overall: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.overall or self.article is not None

    @property
    def label(self) -> str:
        if self.overall:
            return "总体意见"
        return self.article.label if self.article else ""


def pick_article(articles: Sequence[Article], raw: object) -> ArticlePick:
    """Resolve ``raw`` and explain in Chinese what is wrong when it names no article."""
    if isinstance(raw, (datetime, date)):
        return ArticlePick(error=(
            f"条款“{raw:%Y-%m-%d}”被 Excel 当成了日期。请把“条款”列设为文本格式，或写成“12之1”这样的形式。"
        ))
    text = str(raw or "").strip()
    if not text:
        return ArticlePick(error="请填写条款（如 12、十二、12-1），总体意见填 0 或“总体”。")
    ref = parse_article_ref(text)
    if ref is None:
        return ArticlePick(error=(
            f"无法识别条款“{text[:20]}”。请填写条号，如 12、第十二条、12-1（即第十二条之一），总体意见填 0 或“总体”。"
        ))
    if ref == OVERALL:
        return ArticlePick(overall=True)
    article = resolve_article(articles, text)
    if article is None:
        span = f"（本草案为{articles[0].label}至{articles[-1].label}）" if articles else ""
        return ArticlePick(error=f"草案中没有{article_label(*ref)}{span}。")
    return ArticlePick(article=article)


# ---------------------------------------------------------------- paper comment rows

PAPER_COLUMNS: dict[str, tuple[str, ...]] = {
    "article": ("条款", "条文", "条号", "条目", "条"),
    "text": ("意见内容", "意见", "内容", "意见建议", "建议"),
    "name": ("姓名", "名字", "提出人"),
    "community": ("社区", "社区或单位", "所在社区或单位", "所在社区", "单位"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话"),
}
PAPER_HEADERS = ("条款", "意见内容", "姓名", "社区", "电话")
# The template's examples sit on a sheet of their own; copied onto the first
# sheet they are still recognised and refused.
EXAMPLE_ROWS = (
    ("12", "建议明确犬只排泄物的清理责任人。", "王小明", "东风社区", "13812345678"),
    ("总体", "草案总体可行，建议加强宣传。", "", "", ""),
)
_EXAMPLE_TEXTS = frozenset(row[1] for row in EXAMPLE_ROWS)


@dataclass
class PaperRow:
    """One row of an uploaded sheet after validation; ``errors`` empty when it can be saved."""

    line: int
    article_raw: str
    article_id: int | None
    article_label: str
    text: str
    name: str = ""
    community: str = ""
    phone: str = ""
    errors: list[str] = field(default_factory=list)
    repeats: str = ""   # a warning: the same comment is already in the meeting (or earlier in the file)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_paper_rows(rows: list[list[Any]], articles: Sequence[Article]) -> list[PaperRow]:
    """Check every row of a sheet: article, text length, name, phone. Never stops at the first error."""
    records = table_records(rows, PAPER_COLUMNS, required=("article", "text"))
    result = []
    for line, record in records:
        pick = pick_article(articles, record.get("article", ""))
        data = paper_input(
            text=_as_text(record.get("text")),
            name=_as_text(record.get("name")),
            community=_as_text(record.get("community")),
            phone=_as_text(record.get("phone")),
            article_id=pick.article.id if pick.article else None,
        ).validate()
        result.append(PaperRow(
            line=line,
            article_raw=_as_text(record.get("article"))[:40],
            article_id=data.article_id,
            article_label=pick.label,
            text=data.text,
            name=data.name,
            community=data.community,
            phone=data.phone,
            errors=([pick.error] if pick.error else []) + list(data.errors.values())
            + (["这是导入模板中的示例行，请删除后再导入。"] if data.text in _EXAMPLE_TEXTS else []),
        ))
    return result


def file_hash(table: list[list[Any]]) -> str:
    """A fingerprint of what the file holds, not its bytes: saved again by Excel
    (new timestamps inside the .xlsx) or exported as CSV, it is still the same file."""
    import hashlib
    import json

    rows = [[cell_text(v) for v in row] for row in table]
    rows = [row for row in rows if any(row)]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def refuse_repeated_file(session: Session, *, meeting_id: int, digest: str) -> None:
    """The same file imported into the same meeting before (and not withdrawn) is refused."""
    from sqlmodel import select

    from legis.models import PaperImport
    from legis.timefmt import fmt_datetime

    earlier = session.exec(select(PaperImport).where(
        PaperImport.meeting_id == meeting_id, PaperImport.file_hash == digest,
        PaperImport.withdrawn.is_(False))).first()
    if earlier is not None:
        name = f"“{earlier.filename}”" if earlier.filename else ""
        raise ValidationError(
            f"这个文件已经在{fmt_datetime(earlier.created_at)}导入过本场座谈会（{name}第{earlier.id}号导入，"
            f"{earlier.rows}条意见），不能重复导入。如果那次导入有误，请先在座谈会页面撤回那次导入。",
            status=409, field="file")


def record_import(session: Session, *, meeting_id: int, digest: str, filename: str,
                  entered_by: int | None):
    """The PaperImport row for a confirmed file; None when this file is already imported."""
    from legis.models import PaperImport

    try:
        refuse_repeated_file(session, meeting_id=meeting_id, digest=digest)
    except LegisError:
        return None
    batch = PaperImport(meeting_id=meeting_id, file_hash=digest, filename=filename,
                        entered_by=entered_by)
    session.add(batch)
    session.flush()
    return batch


def flag_repeats(session: Session, *, meeting_id: int, rows: list[PaperRow]) -> int:
    """Mark rows repeating a comment already in the meeting (same article, text and name)."""
    from sqlmodel import select

    from legis.models import Comment

    stored = {(a, t, n) for a, t, n in session.exec(
        select(Comment.article_id, Comment.text, Comment.name).where(
            Comment.meeting_id == meeting_id, Comment.withdrawn.is_(False))).all()}
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (row.article_id, row.text, row.name)
        if key in stored:
            row.repeats = "本场座谈会已有一条相同的意见（同一条文、同样内容和姓名），可能是重复录入。"
        elif key in seen:
            row.repeats = f"与本表第{seen[key]}行相同，可能是重复录入。"
        seen.setdefault(key, row.line)
    return sum(1 for r in rows if r.repeats)


def _as_text(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    return cell_text(value)


def paper_input(**values: Any) -> CommentInput:
    """A CommentInput for a comment a host copies from paper.

    A resident who writes a name or phone on a paper comment form gives it so
    the congress can report back; the host cannot tick a box for them, so
    consent is taken as given whenever contact details were written down.
    """
    data = CommentInput(**values)
    data.consent = bool(str(data.name).strip() or str(data.phone).strip())
    return data


def save_paper_rows(
    session: Session,
    *,
    draft: Draft,
    meeting: Meeting,
    rows: Sequence[dict[str, Any]],
    channel: str,
    batch_id: str,
    entered_by: int | None,
    check_open: bool,
    import_id: int | None = None,
) -> int:
    """Store confirmed rows through submit_comment; returns how many were new.

    Call inside ``atomic_session``: submit_comment commits per comment, which
    there only releases a savepoint, so the caller decides for the batch. The
    form token ``imp:<batch>:<row>`` makes a re-sent confirmation store nothing twice.
    """
    created = 0
    for row in rows:
        data = paper_input(
            text=row["text"], name=row.get("name", ""), community=row.get("community", ""),
            phone=row.get("phone", ""), article_id=row.get("article_id"),
        )
        try:
            comment, new = submit_comment(
                session, draft=draft, data=data, channel=channel,
                meeting=meeting, form_token=f"imp:{batch_id}:{row['line']}",
                entered_by=entered_by, check_open=check_open,
            )
        except LegisError as error:
            raise type(error)(f"第{row['line']}行：{error.message}", field=error.field) from error
        if new and import_id is not None:
            comment.import_id = import_id
            session.add(comment)
            session.commit()   # a savepoint inside atomic_session: the batch still decides
        created += new
    return created


@contextmanager
def atomic_session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one outer transaction.

    Lets a batch reuse services that commit per item (submit_comment) and
    still be all-or-nothing: the outer transaction commits only when the
    whole block succeeds, and rolls back everything otherwise.
    """
    with engine.execution_options(legis_write=True).connect() as connection:
        transaction = connection.begin()
        try:
            with Session(
                connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            ) as session:
                yield session
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise


def template_xlsx() -> bytes:
    """The download template: the column names on the first sheet, examples on a second one."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "意见"
    sheet.append(list(PAPER_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    examples = workbook.create_sheet("填写示例（不会导入）")
    examples.append(list(PAPER_HEADERS))
    for row in EXAMPLE_ROWS:
        examples.append(list(row))
    examples.append([])
    examples.append(["只导入第一张工作表“意见”；本页示例仅供参考，不会导入。"])
    # Text format stops Excel from turning 12-1 into the date 12月1日.
    for row in range(2, 1002):
        sheet.cell(row=row, column=1).number_format = "@"
    for letter, width in zip("ABCDE", (10, 60, 12, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
