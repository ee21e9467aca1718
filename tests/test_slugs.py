"""Readable draft addresses: pinyin of the title's key words, unique, editable, old ones redirect."""

from __future__ import annotations

import pytest
from sqlmodel import select

from legis.errors import LegisError, Moved
from legis.models import DraftSlug
from legis.parsing import parse_text
from legis.services import drafts as draft_service
from legis.services.slugs import change_slug, readable_slug
from tests.factories import SAMPLE_TEXT, make_draft


@pytest.mark.parametrize(("title", "slug"), [
    ("某市物业管理条例（草案）", "wuye-guanli-tiaoli"),
    ("山东省志愿服务条例", "zhiyuan-fuwu-tiaoli"),
    ("中华人民共和国反外国制裁法", "fan-waiguo-zhicai-fa"),
    ("《淄博市地下管线管理条例（征求意见稿）》", "dixia-guanxian-guanli-tiaoli"),
])
def test_slug_is_the_pinyin_of_the_key_words(title, slug):
    assert readable_slug(title) == slug


def test_long_title_keeps_the_kind_of_document_within_sixty_characters():
    slug = readable_slug("最高人民检察院关于以检察专递方式邮寄送达有关检察法律文书的若干规定")
    assert len(slug) <= 60 and slug.endswith("-guiding")
    assert "-de-" not in slug and "guanyu" not in slug


def test_imported_drafts_get_unique_readable_addresses(db):
    first = draft_service.import_draft(db, parsed=parse_text(SAMPLE_TEXT))
    changed = SAMPLE_TEXT.replace("为了", "为了进一步", 1)
    second = draft_service.import_draft(db, parsed=parse_text(changed))
    assert first.slug == "yangquan-guanli-tiaoli"
    assert second.slug == "yangquan-guanli-tiaoli-2"


def test_staff_change_the_address_and_the_old_one_redirects(client, db):
    draft = make_draft(db)
    old = draft.slug
    form = {"title": draft.title, "slug": "dogs", "status": draft.status,
            "comment_start": str(draft.comment_start), "comment_end": str(draft.comment_end)}
    assert client.post(f"/manage/drafts/{draft.id}", data=form).status_code == 303
    moved = client.get(f"/drafts/{old}")
    assert moved.status_code == 301 and moved.headers["location"] == "/drafts/dogs"
    assert client.get(f"/drafts/{old}/feedback").headers["location"] == "/drafts/dogs/feedback"
    assert client.get("/drafts/dogs").status_code == 200
    assert db.exec(select(DraftSlug.slug)).all() == [old]


def test_an_old_address_stays_reserved_for_its_draft(db):
    draft = make_draft(db)
    old = draft.slug
    change_slug(db, draft=draft, wanted="dogs")
    other = make_draft(db)
    with pytest.raises(LegisError, match="已被其他草案使用"):
        change_slug(db, draft=other, wanted=old)
    with pytest.raises(Moved):
        draft_service.get_draft(db, slug=old)
    change_slug(db, draft=draft, wanted=old)      # its own old address may come back
    assert draft_service.get_draft(db, slug=old).id == draft.id


def test_a_bad_address_is_refused_with_a_message(client, db):
    draft = make_draft(db)
    form = {"title": draft.title, "slug": "物业 条例", "status": draft.status,
            "comment_start": str(draft.comment_start), "comment_end": str(draft.comment_end)}
    response = client.post(f"/manage/drafts/{draft.id}", data=form)
    assert response.status_code == 422 and "网址名只能包含小写字母" in response.text
    db.refresh(draft)
    assert draft.slug != "物业 条例"
