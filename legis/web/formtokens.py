"""One-time form tokens: a signed random nonce, so a re-sent form is recognised, not stored twice."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired

from legis.errors import ValidationError
from legis.web.signing import SignedValues

MAX_AGE = 3 * 24 * 3600  # a resident may leave a page open for days


class FormTokens:
    def __init__(self, secret_key: str):
        self._serializer = SignedValues(secret_key, salt="legis-form", timed=True)

    def issue(self) -> str:
        return self._serializer.dumps(secrets.token_urlsafe(12))

    def check(self, token: str) -> str:
        """The nonce inside a token; LegisError when it is missing, forged or too old."""
        if not token:
            raise ValidationError("表单缺少校验信息，请刷新页面后重新提交。")
        try:
            nonce = self._serializer.loads(token, max_age=MAX_AGE)
        except SignatureExpired as exc:
            raise ValidationError("页面打开太久已过期，请刷新页面后重新提交（您填写的内容已保留）。") from exc
        except BadSignature as exc:
            raise ValidationError("表单校验信息无效，请刷新页面后重新提交。") from exc
        if not isinstance(nonce, str):
            raise ValidationError("表单校验信息无效，请刷新页面后重新提交。")
        return nonce
