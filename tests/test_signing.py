"""Form tokens and the visit cookie are signed without itsdangerous' per-call set-up, in its
format: a page served before an upgrade still sends a valid form, a browser keeps its
receipts, and a forged, altered or stale value is refused with the usual message."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlmodel import select

from legis.errors import ValidationError
from legis.models import Comment
from legis.web.formtokens import MAX_AGE, FormTokens
from legis.web.signing import SignedValues
from tests.factories import make_draft

SECRET = "a-deployment-secret"
VISIT = {"v": "Zx3-abc_def", "d": {"12": ["ABCD2345", "EFGH6789"], "3": []}, "名": "王"}


def test_values_signed_by_itsdangerous_are_read_and_ours_are_read_by_it():
    timed_theirs = URLSafeTimedSerializer(SECRET, salt="legis-form")
    plain_theirs = URLSafeSerializer(SECRET, salt="legis-visit")
    timed_ours = SignedValues(SECRET, salt="legis-form", timed=True)
    plain_ours = SignedValues(SECRET, salt="legis-visit")
    big = {"d": {str(n): ["ABCD2345"] * 30 for n in range(4)}}   # itsdangerous compresses this
    assert plain_theirs.dumps(big).startswith(".")
    for value in ("nonce-1", VISIT, big):
        assert timed_ours.loads(timed_theirs.dumps(value), max_age=60) == value
        assert plain_ours.loads(plain_theirs.dumps(value)) == value
        assert timed_theirs.loads(timed_ours.dumps(value), max_age=60) == value
        assert plain_theirs.loads(plain_ours.dumps(value)) == value


def test_another_secret_or_salt_or_an_altered_value_is_refused():
    signed = SignedValues(SECRET, salt="legis-visit").dumps(VISIT)
    for reader in (SignedValues("another-secret", salt="legis-visit"),
                   SignedValues(SECRET, salt="legis-form")):
        with pytest.raises(BadSignature):
            reader.loads(signed)
    ours = SignedValues(SECRET, salt="legis-visit")
    payload, signature = signed.rsplit(".", 1)
    forged = URLSafeSerializer(SECRET, salt="legis-visit").dump_payload({"v": "x", "d": {}}).decode()
    for bad in ("", "no-dot", f"{forged}.{signature}", f"{payload}.{signature[:-1]}",
                f"{payload}x.{signature}", "名字.签名", "."):
        with pytest.raises(BadSignature):
            ours.loads(bad)


def test_form_tokens_expire_after_max_age_and_refuse_forgeries():
    now = [1_800_000_000.0]
    tokens = FormTokens(SECRET)
    tokens._serializer = SignedValues(SECRET, salt="legis-form", timed=True, clock=lambda: now[0])
    token = tokens.issue()
    now[0] += MAX_AGE
    assert tokens.check(token)   # a page left open for three days still sends
    now[0] += 1
    with pytest.raises(ValidationError, match="过期"):
        tokens.check(token)
    now[0] -= MAX_AGE + 10   # signed "in the future": a clock or a forger, not a real page
    with pytest.raises(ValidationError, match="过期"):
        tokens.check(token)
    for bad in ("", token[:-2], token.replace(".", "", 1), "x" * len(token)):
        with pytest.raises(ValidationError):
            FormTokens(SECRET).check(bad)
    with pytest.raises(SignatureExpired):
        SignedValues(SECRET, salt="legis-form", timed=True, clock=lambda: 0.0).loads(
            URLSafeTimedSerializer(SECRET, salt="legis-form").dumps("n"), max_age=10)


def test_a_page_served_before_the_change_still_stores_its_comment_once(app, anon, db):
    make_draft(db, slug="old-token")
    old = URLSafeTimedSerializer(app.state.settings.secret_key, salt="legis-form").dumps("old-page")
    for _ in range(2):   # sent twice (a double click): one comment, one receipt
        answer = anon.post("/drafts/old-token/comments",
                           data={"form_token": old, "text": "升级前打开的页面提交的意见。", "article_id": ""})
        assert answer.status_code == 303
    assert [c.text for c in db.exec(select(Comment)).all()] == ["升级前打开的页面提交的意见。"]
    receipt = anon.get(answer.headers["location"])
    assert receipt.status_code == 200 and "升级前打开的页面提交的意见" in receipt.text
