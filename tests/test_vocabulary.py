"""One vocabulary: the glossary is generated from it, and pages show its texts."""

from __future__ import annotations

from legis import vocabulary
from legis.models import Opinion
from legis.services import dispositions
from tests.test_merging_product import DOG_COMMENTS, add_comments, opinions_of


def test_glossary_holds_the_generated_vocabulary():
    document = vocabulary.GLOSSARY.read_text(encoding="utf-8")
    assert vocabulary.with_generated_part(document) == document, (
        "docs/glossary.md is out of date: run python -m legis.vocabulary")
    for term in vocabulary.DraftStatus:
        assert f"| `{term.value}` | {term.text} |" in document


def test_a_stored_value_is_its_term():
    assert vocabulary.DispositionState("待研究") is vocabulary.DispositionState.PENDING
    assert vocabulary.DispositionState.css_of("部分采纳") == "partial"
    assert vocabulary.DispositionState.css_of("不知道", "pending") == "pending"
    assert vocabulary.Role.public_of("host") == "联络员"


def test_residents_see_under_study_where_staff_see_pending(client, anon, engine, db):
    from legis.services import merging
    from tests.factories import make_draft

    draft = make_draft(db, slug="dogs")
    add_comments(db, draft, 8, DOG_COMMENTS[:2])
    merging.merge_draft(engine, draft_id=draft.id)
    (opinion_id,) = opinions_of(db, draft)
    dispositions.set_published(db, draft=draft, published=True, actor="staff")
    db.commit()
    wall = anon.get("/drafts/dogs/feedback").text
    assert db.get(Opinion, opinion_id).state == "待研究"
    assert 'class="badge pending">正在研究<' in wall
    review = client.get(f"/manage/drafts/{draft.id}/dispositions").text
    assert 'class="badge pending">待研究<' in review
