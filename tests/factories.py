"""Factories for test data: real rows in the real test database."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from legis.models import Article, ContactPoint, Draft, Meeting
from legis.parsing import parse_text
from legis.services import drafts as draft_service
from legis.services.drafts import articles_of, current_version
from legis.timefmt import today

SAMPLE_TEXT = """某市养犬管理条例（草案）

第一章　总　　则

第一条　为了规范养犬行为，保障公民健康和人身安全，维护市容环境和社会公共秩序，制定本条例。
第二条　本条例适用于本市行政区域内的养犬及相关管理活动。
第三条　养犬管理工作实行政府负责、部门协作、基层参与、养犬人自律的原则。

第二章　养犬登记

第四条　本市实行养犬登记制度。
第五条　个人饲养犬只的，应当具备下列条件：
（一）具有完全民事行为能力；
（二）有固定住所且独户居住。
第六条　犬只登记有效期为一年。
第七条　养犬人应当定期为犬只接种狂犬病疫苗。
第八条　养犬人变更住所的，应当在三十日内办理变更登记。
第九条　犬只死亡或者丢失的，养犬人应当在十五日内报告。
第十条　禁止饲养烈性犬。
第十一条　养犬人携犬出户的，应当束犬链。
第十二条　养犬人携犬出户时，应当即时清除犬只排泄的粪便。

第三章　附　　则

第十三条　本条例自公布之日起施行。
"""


def make_draft(session: Session, *, text: str = SAMPLE_TEXT, open_days: int | None = 30,
               slug: str | None = None, **overrides) -> Draft:
    """A draft parsed from ``text``; open for comment for ``open_days`` (None: not opened).

    A second draft from the same text gets a numbered title (（2）…): legis
    refuses a draft with the same title and the same articles.
    """
    parsed = parse_text(text)
    title = overrides.pop("title", None) or parsed.title
    taken = set(session.exec(select(Draft.title)).all())
    number = 2
    while title in taken:
        title, number = f"{parsed.title}（{number}）", number + 1
    draft = draft_service.import_draft(
        session, parsed=parsed, slug=slug, title=title,
        open_until=today() + timedelta(days=open_days) if open_days is not None else None,
    )
    for key, value in overrides.items():
        setattr(draft, key, value)
    session.add(draft)
    session.commit()
    return draft


def article(session: Session, draft: Draft, number: int, sub: int = 0) -> Article:
    version = current_version(session, draft=draft)
    return next(a for a in articles_of(session, version=version) if (a.number, a.sub) == (number, sub))


def make_point(session: Session, *, name: str = "东风街道基层立法联系点", kind: str = "主站",
               parent: ContactPoint | None = None) -> ContactPoint:
    point = ContactPoint(name=name, kind=kind, parent_id=parent.id if parent else None)
    session.add(point)
    session.commit()
    return point


def make_meeting(session: Session, *, draft: Draft, point: ContactPoint, **overrides) -> Meeting:
    import secrets

    values = {"title": "征求意见座谈会", "token": secrets.token_urlsafe(12)} | overrides
    meeting = Meeting(draft_id=draft.id, contact_point_id=point.id, **values)
    session.add(meeting)
    session.commit()
    return meeting


def make_three_level_tree(session: Session) -> dict[str, ContactPoint]:
    """A 主站 (root) with one 站 (s) and two 点 under it (a, b)."""
    root = make_point(session, name="东风街道代表之家", kind="主站")
    station = make_point(session, name="东风片区实践站", kind="站", parent=root)
    return {"root": root, "s": station,
            "a": make_point(session, name="东风一社区联系点", kind="点", parent=station),
            "b": make_point(session, name="东风二社区联系点", kind="点", parent=station)}
