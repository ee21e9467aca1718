"""The data the browser tests start from: drafts, a contact point, accounts, comments."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import CHANNEL_ONLINE, Comment, Draft, Opinion
from legis.services import dispositions, merging
from legis.services import opinions as opinion_service
from legis.services.comments import CommentInput, submit_comment
from legis.services.drafts import current_version, get_draft
from tests.factories import SAMPLE_TEXT, article, make_draft, make_meeting, make_point
from tests.live import legis

SAMPLE_DRAFTS = Path(__file__).resolve().parents[2] / "legis" / "sample_drafts"
PASSWORDS = {"host": "host-pass-2024!", "staff": "staff-pass-2024!", "admin": "admin-pass-2024!"}
USERNAMES = {"host": "host1", "staff": "staff1", "admin": "admin1"}
DOGS_TITLE = "某市养犬管理条例（草案）"
MERGE_TITLE = "某市犬只收容管理规定（草案）"
A11Y_TITLE = "某市文明养犬促进办法（草案）"
BIG_TITLE = "某市物业管理条例（草案）"

# Two clearly different opinions on 第十二条 of the staff journey's draft.
CLEAN_UP = [
    "养犬人应当随身携带拾便袋，及时清理犬只粪便。",
    "养犬人应随身带拾便袋，及时清理犬只的粪便。",
    "养犬人应当随身携带拾便袋并及时清理犬只粪便！",
]
BINS = [
    "建议在小区和公园设置宠物粪便收集箱，方便养犬人处理。",
    "建议在小区、公园设置宠物粪便收集箱，方便养犬人处理",
]

DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..199 in Chinese numerals as article numbers are written (十二, 一百).

    >>> [cn_number(n) for n in (1, 10, 12, 20, 35, 100, 101, 110, 120)]
    ['一', '十', '十二', '二十', '三十五', '一百', '一百零一', '一百一十', '一百二十']
    """
    if n >= 100:
        rest = n - 100
        if rest == 0:
            return "一百"
        if rest < 10:
            return "一百零" + DIGITS[rest]
        return "一百" + ("一" + cn_number(rest) if rest < 20 else cn_number(rest))
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[ones] if ones else "")


def hundred_article_text() -> str:
    """A 100-article draft of real legislative prose: the articles of the two sample
    drafts shipped in drafts/, renumbered, in five chapters of twenty."""
    from legis.parsing import parse_text

    bodies: list[list[str]] = []
    for name in ("shandong-wuye-guanli-tiaoli.txt", "shanghai-yusuan-shencha-jiandu-tiaoli.txt"):
        parsed = parse_text((SAMPLE_DRAFTS / name).read_text(encoding="utf-8"))
        bodies += [a.paragraphs for a in parsed.articles]
    lines = [BIG_TITLE, ""]
    for number, paragraphs in enumerate(bodies[:100], start=1):
        if number % 20 == 1:
            lines += ["", f"第{cn_number(number // 20 + 1)}章　第{cn_number(number // 20 + 1)}部分", ""]
        lines.append(f"第{cn_number(number)}条　{paragraphs[0]}")
        lines += paragraphs[1:]
    return "\n".join(lines) + "\n"


@dataclass
class Seeded:
    """What the tests need to find again: slugs, ids, accounts."""

    point_id: int = 0
    point_name: str = ""
    drafts: dict[str, int] = field(default_factory=dict)     # slug -> id
    meeting_id: int = 0                                       # an existing meeting (a11y pages)
    meeting_token: str = ""
    merge_comment_count: int = 0
    articles: dict[str, int] = field(default_factory=dict)   # slug -> id of its 第十二条
    receipt: str = ""                                         # a comment with a published outcome


def _comment(session: Session, draft, text: str, article_id: int | None, **extra) -> Comment:
    comment, _ = submit_comment(session, draft=draft, channel=extra.pop("channel", CHANNEL_ONLINE),
                                data=CommentInput(text=text, article_id=article_id, **extra))
    return comment


def _bulk_comments(session: Session, draft, count: int) -> None:
    """Many distinct comments on other articles, so that merging runs long enough to watch."""
    rng = random.Random(7)
    words = ["养犬", "登记", "疫苗", "犬链", "粪便", "罚款", "社区", "物业", "夜间", "噪音", "烈性犬",
             "公园", "电梯", "儿童", "老人", "管理", "执法", "宣传", "收费", "标准", "小区", "绿地",
             "广场", "牵引", "嘴套", "体型", "品种", "免疫", "芯片", "年检"]
    version = current_version(session, draft=draft)
    targets = [article(session, draft, n).id for n in range(1, 12)]
    for _ in range(count):
        text = "建议" + "".join(rng.choice(words) for _ in range(30)) + "的规定要更加明确"
        session.add(Comment(draft_id=draft.id, version_id=version.id, text=text,
                            article_id=rng.choice(targets), receipt_code=secrets.token_hex(6)))
    session.commit()


def seed(tmp: Path, env: dict[str, str], *, bulk: int = 12000) -> Seeded:
    """Fill an empty database as an office would: the CLI for drafts and accounts, services for the rest."""
    out = Seeded()
    legis("init-db", env=env)
    dogs = tmp / "dogs.txt"
    dogs.write_text(SAMPLE_TEXT, encoding="utf-8")
    legis("import", str(dogs), "--slug", "dogs", "--open", env=env)
    big = tmp / "big.txt"
    big.write_text(hundred_article_text(), encoding="utf-8")
    legis("import", str(big), "--slug", "big", "--open", env=env)

    engine = make_engine(env["DATABASE_URL"])
    try:
        with Session(engine) as session:
            point = make_point(session, name="东风街道基层立法联系点")
            out.point_id, out.point_name = point.id, point.name

            merge = make_draft(session, text=SAMPLE_TEXT.replace(DOGS_TITLE, MERGE_TITLE),
                               slug="merge")
            twelve = article(session, merge, 12).id
            for text in CLEAN_UP + BINS:
                _comment(session, merge, text, twelve)
            _bulk_comments(session, merge, bulk)
            out.merge_comment_count = len(CLEAN_UP) + len(BINS) + bulk

            a11y = make_draft(session, text=SAMPLE_TEXT.replace(DOGS_TITLE, A11Y_TITLE),
                              slug="a11y")
            twelve = article(session, a11y, 12).id
            comments = [_comment(session, a11y, text, twelve, name="王秀英",
                                 phone="13812345678", consent=True) for text in CLEAN_UP + BINS]
            out.receipt = comments[0].receipt_code
            _comment(session, a11y, "建议条例对导盲犬等工作犬作出特别规定。", None)
            a11y_id = a11y.id
            out.drafts = {"merge": merge.id, "a11y": a11y.id}

            dogs_draft = get_draft(session, slug="dogs")
            out.drafts["dogs"] = dogs_draft.id
            out.articles = {slug: article(session, session.get(Draft, out.drafts[slug]), 12).id
                            for slug in out.drafts}
            meeting = make_meeting(session, draft=dogs_draft, point=point,
                                           title="东风街道养犬条例座谈会", place="社区活动中心")
            out.meeting_id, out.meeting_token = meeting.id, meeting.token
            _comment(session, dogs_draft, "建议明确犬链长度不超过一点五米。",
                     article(session, dogs_draft, 11).id, channel="现场")

        merging.merge_draft(engine, draft_id=a11y_id, actor="seed")
        with Session(engine) as session:
            opinions = session.exec(select(Opinion).where(Opinion.draft_id == a11y_id)
                                    .order_by(Opinion.id)).all()
            dispositions.decide(session, opinion=opinions[0], state="采纳",
                                change_note="第十二条增加“随身携带拾便袋”。", actor="seed")
            if len(opinions) > 1:
                dispositions.decide(session, opinion=opinions[1], state="部分采纳",
                                    reason="收集箱的设置由各区结合实际安排。", actor="seed")
            opinion_service.approve(session, draft_id=a11y_id, actor="seed",
                                    opinion_ids=[o.id for o in opinions])
            dispositions.set_published(session, draft=session.get(Draft, a11y_id),
                                       published=True, actor="seed")
            session.commit()
    finally:
        engine.dispose()

    for role in ("host", "staff", "admin"):
        extra = ["--point", str(out.point_id)] if role == "host" else []
        legis("create-user", USERNAMES[role], "--role", role, "--password-stdin", *extra,
              env=env, input=PASSWORDS[role] + "\n")
    return out
