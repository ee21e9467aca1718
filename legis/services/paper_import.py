"""Spreadsheets of paper comments: read .xlsx/.csv safely, resolve article numbers, validate rows."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from legis.errors import LegisError
from legis.models import Article, CommentSession, Draft
from legis.numerals import article_label, cn_to_int
from legis.parsing.safezip import check_office_zip
from legis.services.comments import CommentInput, submit_comment

MAX_ROWS = 5000
MAX_COLUMNS = 30
# An .xlsx may claim a million rows; stop reading after this many blank ones in a row.
MAX_BLANK_RUN = 500
PENDING_MAX_AGE = 24 * 3600

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NOT_A_TABLE = (
    (b"\xd0\xcf\x11\xe0", "旧版 Excel（.xls）或其他 Office 97-2003 文件",
     "请在 Excel 中打开，“另存为” Excel 工作簿（.xlsx）后再上传"),
    (b"%PDF", "PDF 文件", "请上传 Excel 工作簿（.xlsx）或 CSV 文件"),
    (b"\x89PNG", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"\xff\xd8\xff", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"GIF8", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"\x1f\x8b", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
    (b"Rar!", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
    (b"7z\xbc\xaf", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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


# ---------------------------------------------------------------- reading tables


def read_table(data: bytes) -> list[list[str]]:
    """The first sheet of an .xlsx, or a CSV file, as rows of strings.

    The kind is decided by content, not by file name: a zip is an .xlsx
    (checked against zip bombs and XML entity tricks first), anything else
    must be CSV text in UTF-8 (with or without BOM), GB18030 or UTF-16.
    """
    if not data or not data.strip():
        raise LegisError("上传的文件是空的，请检查是否选错了文件。", field="file")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    for magic, what, todo in _NOT_A_TABLE:
        if data.startswith(magic):
            raise LegisError(f"上传的是{what}，不是表格文件。{todo}。", field="file")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    check_office_zip(data, required="xl/workbook.xml", kind="Excel")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise LegisError(
            "无法读取这个 Excel 文件（可能已损坏）。请在 Excel 中打开并另存为 .xlsx 后再上传。",
            field="file",
        ) from exc
    try:
        if not workbook.worksheets:
            raise LegisError("Excel 文件中没有工作表。", field="file")
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        blank_run = 0
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            row = [_cell_text(v) for v in values]
            while row and row[-1] == "":
                row.pop()
            if row:
                blank_run = 0
            else:
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    break
            rows.append(row)
            _check_size(rows)
    except LegisError:
        raise
    except Exception as exc:
        raise LegisError(
            "读取 Excel 文件时出错（文件可能已损坏）。请在 Excel 中打开并另存为 .xlsx 后再上传。",
            field="file",
        ) from exc
    finally:
        workbook.close()
    return _trim(rows)


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value  # kept as is so the article column can explain Excel's date guess
    return str(value)


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode_csv(data)
    if _CONTROL.search(text[:100_000]):
        raise LegisError(
            "文件内容不是文字表格。请上传 Excel 工作簿（.xlsx）或 CSV 文件。", field="file"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append([cell for cell in row[:MAX_COLUMNS]])
            _check_size(rows)
    except csv.Error as exc:
        raise LegisError(
            "CSV 文件格式有误（可能有未闭合的引号）。请在 Excel 中打开并另存为 CSV 后再上传。",
            field="file",
        ) from exc
    return _trim(rows)


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with tabs.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        # Excel on Windows saves "CSV (逗号分隔)" in GB18030/GBK; "CSV UTF-8" with a BOM.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise LegisError(
        "无法识别文件的文字编码，或文件不是表格。请上传 Excel 工作簿（.xlsx），"
        "或在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再上传。",
        field="file",
    )


def _check_size(rows: list) -> None:
    if len(rows) > MAX_ROWS + 1:
        raise LegisError(
            f"文件超过{MAX_ROWS}行，请拆分成几个文件分别导入。", field="file", status=413
        )


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    while rows and not any(_str(c) for c in rows[-1]):
        rows.pop()
    return rows


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _header_key(cell: Any) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _str(cell)))
    # "姓名(选填)", "*意见内容": the name is what is left of the decoration.
    return re.sub(r"\(.*?\)|[*＊:：]", "", text)


def table_records(
    rows: list[list[Any]], columns: dict[str, Sequence[str]], *, required: Sequence[str]
) -> list[tuple[int, dict[str, Any]]]:
    """Map a table with a header row to records ``(row number, {field: value})``.

    ``columns`` gives each field its accepted header names (the first is the
    official one); blank rows are skipped; row numbers are as Excel shows them.
    """
    start = next((i for i, row in enumerate(rows) if any(_str(c) for c in row)), None)
    if start is None:
        raise LegisError("文件中没有任何内容，请按模板填写后再上传。", field="file")
    header = [_header_key(c) for c in rows[start]]
    positions: dict[str, int] = {}
    for name, aliases in columns.items():
        for alias in aliases:
            if alias in header:
                positions[name] = header.index(alias)
                break
    missing = [columns[name][0] for name in required if name not in positions]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        raise LegisError(
            f"文件缺少“{'”“'.join(missing)}”列。第一行应是列名，现在是：{found[:200]}。"
            "请下载模板，按模板的列名填写后再上传。",
            field="file",
        )
    records = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if not any(_str(c) for c in row):
            continue
        record = {
            name: (row[pos] if pos < len(row) else "") for name, pos in positions.items()
        }
        records.append((index + 1, {k: v if isinstance(v, (date, datetime)) else _str(v)
                                    for k, v in record.items()}))
    if not records:
        raise LegisError("文件中只有列名，没有数据行。请填写后再上传。", field="file")
    return records


# ---------------------------------------------------------------- paper comment rows

PAPER_COLUMNS: dict[str, tuple[str, ...]] = {
    "article": ("条款", "条文", "条号", "条目", "条"),
    "text": ("意见内容", "意见", "内容", "意见建议", "建议"),
    "name": ("姓名", "名字", "提出人"),
    "community": ("社区", "社区或单位", "所在社区或单位", "所在社区", "单位"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话"),
}
PAPER_HEADERS = ("条款", "意见内容", "姓名", "社区", "电话")


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
            errors=([pick.error] if pick.error else []) + list(data.errors.values()),
        ))
    return result


def _as_text(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    return _str(value)


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
    comment_session: CommentSession,
    rows: Sequence[dict[str, Any]],
    channel: str,
    batch_id: str,
    entered_by: int | None,
    check_open: bool,
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
            _comment, new = submit_comment(
                session, draft=draft, data=data, channel=channel,
                comment_session=comment_session, form_token=f"imp:{batch_id}:{row['line']}",
                entered_by=entered_by, check_open=check_open,
            )
        except LegisError as error:
            raise LegisError(f"第{row['line']}行：{error.message}", status=error.status) from error
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


# ---------------------------------------------------------------- previews kept between requests

_PENDING_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def save_pending(directory: Path, *, kind: str, scope: str, payload: Any) -> str:
    """Keep parsed rows on disk until the host confirms; returns the id to put in the form."""
    directory.mkdir(parents=True, exist_ok=True)
    _purge_old(directory)
    pending_id = secrets.token_urlsafe(18)
    path = directory / f"{pending_id}.json"
    path.write_text(json.dumps({"kind": kind, "scope": scope, "payload": payload},
                               ensure_ascii=False, default=_json_default), encoding="utf-8")
    return pending_id


def load_pending(directory: Path, pending_id: str, *, kind: str, scope: str) -> Any:
    """The payload saved under ``pending_id`` for this kind and scope, or a LegisError."""
    gone = LegisError(
        "这次导入的预览已失效（已导入、已过期或服务器已重启）。请重新上传文件。", status=409
    )
    if not _PENDING_ID.match(pending_id or ""):
        raise gone
    path = directory / f"{pending_id}.json"
    try:
        if time.time() - path.stat().st_mtime > PENDING_MAX_AGE:
            raise gone
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise gone from None
    if stored.get("kind") != kind or stored.get("scope") != scope:
        raise gone
    return stored["payload"]


def drop_pending(directory: Path, pending_id: str) -> None:
    if _PENDING_ID.match(pending_id or ""):
        (directory / f"{pending_id}.json").unlink(missing_ok=True)


def _purge_old(directory: Path) -> None:
    cutoff = time.time() - PENDING_MAX_AGE
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(type(value).__name__)


def template_xlsx() -> bytes:
    """The download template: the column names, one example row, the 条款 column as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "意见"
    sheet.append(list(PAPER_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["12", "建议明确犬只排泄物的清理责任人。", "王小明", "东风社区", "13812345678"])
    sheet.append(["总体", "草案总体可行，建议加强宣传。", "", "", ""])
    # Text format stops Excel from turning 12-1 into the date 12月1日.
    for row in range(2, 1002):
        sheet.cell(row=row, column=1).number_format = "@"
    for letter, width in zip("ABCDE", (10, 60, 12, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
