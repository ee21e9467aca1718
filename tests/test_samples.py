"""The sample data make run loads into an empty database: drafts, contact points, meetings, comments."""

from __future__ import annotations

from sqlmodel import select

from legis.models import Comment, ContactPoint, Draft, Meeting
from legis.resources import resource_dir
from legis.services import merging
from legis.services.samples import load_samples


def test_samples_load_once_and_can_be_merged(engine, db):
    result = load_samples(db, directory=resource_dir("drafts"))
    db.commit()
    assert len(result.loaded) == 3 and result.comments == 30
    drafts = db.exec(select(Draft)).all()
    assert all(d.status == "征求意见中" and d.title.endswith("（草案）") for d in drafts)
    assert len(db.exec(select(ContactPoint)).all()) == 4
    assert len(db.exec(select(Meeting)).all()) == 2
    comments = db.exec(select(Comment)).all()
    assert len(comments) == 30 and sum(c.channel == "现场" for c in comments) > 5
    again = load_samples(db, directory=resource_dir("drafts"))
    assert again.loaded == [] and len(db.exec(select(Draft)).all()) == 3
    wuye = db.exec(select(Draft).where(Draft.slug == "shandong-wuye-guanli-tiaoli")).one()
    result = merging.merge_draft(engine, draft_id=wuye.id)
    # Near-duplicates merge (30 comments into fewer opinions), contrasts stay apart.
    assert 12 <= result["new_opinions"] < 30
