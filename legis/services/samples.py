"""Sample data for a first start: the drafts in legis/sample_drafts/ and a few meetings and comments on one."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from legis.models import ContactPoint, Draft, Meeting
from legis.parsing import parse_bytes
from legis.services import comments as comment_service
from legis.services.drafts import articles_of, current_version, get_draft, import_draft
from legis.timefmt import today

SAMPLE_COMMENTS = "sample-comments.json"


@dataclass
class SampleLoad:
    loaded: list[str] = field(default_factory=list)
    comments: int = 0


def load_samples(session: Session, *, directory: Path, days_open: int = 30) -> SampleLoad:
    """Import every sample draft in ``directory`` into an empty database, open for comment,
    then the sample contact points, meetings and comments, so every page has something to show."""
    result = SampleLoad()
    if session.exec(select(func.count()).select_from(Draft)).one():
        return result
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in {".txt", ".md", ".docx"} or path.name.lower() == "readme.md":
            continue
        parsed = parse_bytes(path.read_bytes(), path.name)
        slug = re.sub(r"[^a-z0-9-]", "-", path.stem.lower()).strip("-")[:80] or None
        import_draft(session, parsed=parsed, filename=path.name, slug=slug,
                     open_until=today() + timedelta(days=days_open))
        result.loaded.append(path.name)
    comments_file = directory / SAMPLE_COMMENTS
    if comments_file.is_file():
        result.comments = _load_comments(session, json.loads(comments_file.read_text("utf-8")))
    return result


def _load_comments(session: Session, data: dict) -> int:
    draft = get_draft(session, slug=data["draft"])
    version = current_version(session, draft=draft)
    by_number = {a.number: a.id for a in articles_of(session, version=version) if not a.sub}
    points: dict[str, ContactPoint] = {}
    for item in data["contact_points"]:
        parent = points.get(item["parent"]) if item["parent"] else None
        point = ContactPoint(name=item["name"], kind=item["kind"], district=item["district"],
                             address=item["address"], parent_id=parent.id if parent else None)
        session.add(point)
        session.flush()
        points[point.name] = point
    meetings = []
    for item in data["meetings"]:
        meeting = Meeting(
            draft_id=draft.id, contact_point_id=points[item["point"]].id, title=item["title"],
            held_on=today() - timedelta(days=item["days_ago"]), place=item["place"],
            host_name=item["host"], expected_participants=item["expected"],
            participant_count=item["participants"], token=secrets.token_urlsafe(9))
        session.add(meeting)
        session.flush()
        meetings.append(meeting)
    for item in data["comments"]:
        meeting = meetings[item["meeting"]] if item["meeting"] is not None else None
        point = points.get(item["point"]) if item["point"] else None
        entry = comment_service.CommentInput(
            text=item["text"], name=item["name"], phone=item["phone"], community=item["community"],
            consent=bool(item["name"] or item["phone"]),
            article_id=by_number[item["article"]] if item["article"] else None)
        comment_service.submit_comment(
            session, draft=draft, data=entry, channel=item["channel"],
            meeting=meeting, contact_point_id=point.id if point else None)
    return len(data["comments"])
