"""The report staff finish in legis: letterhead fields and edited sections kept across re-exports.

legis drafts every section from the data (legis/exporters/drafting.py). When staff save a
section, their text is stored with the draft legis had produced at that moment. On
every later export the stored text is used as it is; if the figures in legis's draft of
that section have changed since (new comments, new decisions), the section is flagged
for review and never overwritten. A change elsewhere (another section's figures, an
opinion reworded) does not flag it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from legis.errors import LegisError
from legis.exporters.drafting import SECTION_TITLES, Section, draft_sections, figures_of
from legis.exporters.model import Letterhead, ReportData
from legis.models import ReportDocument, utcnow
from legis.services import audit

DEFAULT_ATTACHMENTS = ("意见采纳情况对照表", "原始意见")
MAX_SECTION = 20_000


@dataclass
class SectionView:
    """A section as the editor shows it: the text used, legis's draft, and its status."""

    key: str
    title: str
    text: str            # what the report prints
    drafted: str         # what legis drafts from today's data
    edited: bool         # staff saved their own text
    stale: bool          # edited, and the figures of legis's draft have changed since


def get_document(session: Session, *, draft_id: int) -> ReportDocument | None:
    return session.exec(select(ReportDocument).where(ReportDocument.draft_id == draft_id)).first()


def apply_letterhead(session: Session, data: ReportData) -> ReportData:
    """Fill ``data.letterhead`` (and the report date) from what staff set for the draft."""
    doc = get_document(session, draft_id=data.draft_id) if data.draft_id else None
    if doc is not None:
        data.letterhead = Letterhead(addressee=doc.addressee, doc_number=doc.doc_number,
                                     signatory=doc.signatory,
                                     attachments=list(doc.attachments or []))
        if doc.report_date:
            data.report_date = doc.report_date
    return data


def sections(session: Session, *, data: ReportData) -> list[SectionView]:
    """Every section with staff's text where they edited it, flagged if its figures moved."""
    stored = {}
    doc = get_document(session, draft_id=data.draft_id) if data.draft_id else None
    if doc is not None:
        stored = doc.sections or {}
    out = []
    for section in draft_sections(data):
        saved = stored.get(section.key)
        if saved:
            moved = figures_of(saved.get("basis", "")) != figures_of(section.text)
            out.append(SectionView(section.key, section.title, saved["text"], section.text,
                                   True, moved))
        else:
            out.append(SectionView(section.key, section.title, section.text, section.text,
                                   False, False))
    return out


def final_sections(views: list[SectionView]) -> list[Section]:
    return [Section(v.key, v.title, v.text) for v in views]


def _document(session: Session, draft_id: int) -> ReportDocument:
    doc = get_document(session, draft_id=draft_id)
    if doc is None:
        doc = ReportDocument(draft_id=draft_id, attachments=list(DEFAULT_ATTACHMENTS))
        session.add(doc)
    return doc


def save_section(session: Session, *, data: ReportData, key: str, text: str,
                 actor: str) -> None:
    """Keep staff's text for one section, with legis's current draft as its basis."""
    if key not in SECTION_TITLES:
        raise LegisError("没有这一部分。", field="key")
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    text = text.strip("\n")
    if not text.strip():
        raise LegisError("这一部分不能为空；如要恢复系统起草的文字，请点“恢复起草稿”。",
                         field="text")
    if len(text) > MAX_SECTION:
        raise LegisError(f"这一部分不能超过{MAX_SECTION}字。", field="text")
    drafted = next(s.text for s in draft_sections(data) if s.key == key)
    doc = _document(session, data.draft_id)
    before = (doc.sections or {}).get(key)
    doc.sections = {**(doc.sections or {}), key: {"text": text, "basis": drafted,
                                                  "by": actor, "at": utcnow().isoformat()}}
    doc.updated_by, doc.updated_at = actor, utcnow()
    session.add(doc)
    session.flush()
    audit.record(session, actor=actor, action="report.section", target_type="draft",
                 target_id=data.draft_id, draft_id=data.draft_id,
                 before={"key": key, "text": before["text"] if before else None},
                 after={"key": key, "text": text})


def reset_section(session: Session, *, draft_id: int, key: str, actor: str) -> None:
    """Drop staff's text for one section: the report uses legis's draft again."""
    doc = get_document(session, draft_id=draft_id)
    if doc is None or key not in (doc.sections or {}):
        return
    before = doc.sections[key]["text"]
    doc.sections = {k: v for k, v in doc.sections.items() if k != key}
    doc.updated_by, doc.updated_at = actor, utcnow()
    session.add(doc)
    audit.record(session, actor=actor, action="report.section_reset", target_type="draft",
                 target_id=draft_id, draft_id=draft_id, before={"key": key, "text": before})


def save_letterhead(session: Session, *, draft_id: int, addressee: str, doc_number: str,
                    signatory: str, report_date: str, attachments: str,
                    actor: str) -> ReportDocument:
    """主送机关, 文号 (optional), 署名, 日期 (YYYY-MM-DD, empty: today) and the 附件 list."""
    addressee, doc_number, signatory = (v.strip() for v in (addressee, doc_number, signatory))
    if not addressee:
        raise LegisError("请填写主送机关，例如“市人大常委会”。", field="addressee")
    for value, limit, field, name in ((addressee, 100, "addressee", "主送机关"),
                                      (doc_number, 60, "doc_number", "文号"),
                                      (signatory, 100, "signatory", "署名")):
        if len(value) > limit:
            raise LegisError(f"{name}不能超过{limit}字。", field=field)
    when = None
    if report_date.strip():
        try:
            when = date.fromisoformat(report_date.strip())
        except ValueError:
            raise LegisError("日期格式应为 2024-06-03。", field="report_date") from None
    names = [line.strip().lstrip("0123456789.、． ").strip()
             for line in (attachments or "").splitlines()]
    names = [n for n in names if n]
    if any(len(n) > 60 for n in names):
        raise LegisError("每个附件名称不能超过60字。", field="attachments")
    doc = _document(session, draft_id)
    before = {"addressee": doc.addressee, "doc_number": doc.doc_number,
              "signatory": doc.signatory, "attachments": doc.attachments}
    doc.addressee, doc.doc_number, doc.signatory = addressee, doc_number, signatory
    doc.report_date, doc.attachments = when, names
    doc.updated_by, doc.updated_at = actor, utcnow()
    session.add(doc)
    session.flush()
    audit.record(session, actor=actor, action="report.letterhead", target_type="draft",
                 target_id=draft_id, draft_id=draft_id, before=before,
                 after={"addressee": addressee, "doc_number": doc_number,
                        "signatory": signatory, "attachments": names})
    return doc
