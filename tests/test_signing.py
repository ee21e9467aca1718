"""Form tokens and visit cookies signed by the faster serializers are the ones itsdangerous
makes: what a browser holds from before an upgrade still works, and forgeries still fail."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from legis.web.formtokens import FormTokens
from legis.web.signing import Serializer, TimedSerializer

SECRET = "a-deployments-secret-key-of-forty-characters"


def test_a_form_token_issued_before_the_upgrade_is_still_accepted():
    before = URLSafeTimedSerializer(SECRET, salt="legis-form").dumps("nonce-from-yesterday")
    assert FormTokens(SECRET).check(before) == "nonce-from-yesterday"
    now = FormTokens(SECRET).issue()
    assert isinstance(URLSafeTimedSerializer(SECRET, salt="legis-form").loads(now), str)


def test_a_visit_cookie_is_signed_byte_for_byte_as_before():
    visit = {"v": "k3J9x", "d": {"12": ["ABCDEFGH", "JKLMNPQR"]}}
    old = URLSafeSerializer(SECRET, salt="legis-visit")
    new = Serializer(SECRET, salt="legis-visit")
    assert new.dumps(visit) == old.dumps(visit)
    assert new.loads(old.dumps(visit)) == visit


def test_forged_or_tampered_values_are_refused():
    token = TimedSerializer(SECRET, salt="legis-form").dumps("n")
    with pytest.raises(BadSignature):
        TimedSerializer("another-key", salt="legis-form").loads(token)
    with pytest.raises(BadSignature):
        TimedSerializer(SECRET, salt="legis-visit").loads(token)   # one salt per use
    with pytest.raises(BadSignature):
        Serializer(SECRET, salt="legis-visit").loads(token[:-2] + ("A" if token[-1] != "A" else "B") * 2)
