"""Staff accounts: argon2 password hashes, roles and contact-point scope (login: login_throttle)."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from legis.errors import NotFound, ValidationError
from legis.models import ROLES, ContactPoint, User
from legis.services import audit, login_sessions
from legis.services.passwords import hash_password, verify

MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,60}$")
MIN_PASSWORD = 10
LOGIN_FAILED = "用户名或密码不正确。"


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少需要{MIN_PASSWORD}位。", field="password")
    if len(set(password)) < 4:
        raise ValidationError("密码过于简单，请混合使用字母、数字和符号。", field="password")


def new_password() -> str:
    """A one-time password to hand to a new user, who must change it at first login.

    Read aloud or copied from a note, so no look-alikes: no 0/O/o, 1/l/I, and no
    punctuation. 14 characters of 54 give about 80 bits.
    """
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(14))


PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def create_user(session: Session, *, username: str, role: str, password: str | None = None,
                display_name: str = "", contact_point_id: int | None = None,
                body_id: int | None = None, actor: str = "") -> tuple[User, str | None]:
    """A new account; returns (user, the one-time password when none was given)."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError("用户名为2至60位字母、数字、下划线、点或连字符。", field="username")
    if not role:
        raise ValidationError("请选择角色：系统管理员、法工委工作人员或联络员。", field="role")
    if role not in ROLES:
        raise ValidationError("角色无效。", field="role")
    _check_role_links(role, contact_point_id, body_id)
    if contact_point_id is not None and session.get(ContactPoint, contact_point_id) is None:
        raise ValidationError("所选联系点不存在。", field="contact_point_id")
    if session.exec(select(User.id).where(func.lower(User.username) == username.lower())).first():
        raise ValidationError(f"用户名“{username}”已被使用。", field="username")
    one_time = None
    if password is None:
        one_time = password = new_password()
    else:
        check_password_strength(password)
    user = User(username=username, display_name=display_name.strip()[:100], role=role,
                contact_point_id=contact_point_id if role == "host" else None,
                body_id=body_id if role == "body" else None, password_hash=hash_password(password),
                must_change_password=one_time is not None)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor or "system", action="user.create", target_type="user",
                 target_id=user.id, after=_public(user))
    return user, one_time


def _check_role_links(role: str, contact_point_id: int | None, body_id: int | None) -> None:
    if role == "host" and contact_point_id is None:
        raise ValidationError("联络员必须指定所属联系点。", field="contact_point_id")
    if role == "body" and body_id is None:
        raise ValidationError("承办单位账户必须填写所属承办单位。", field="body")


def _public(user: User) -> dict:
    return {"username": user.username, "role": user.role, "contact_point_id": user.contact_point_id,
            "body_id": user.body_id, "disabled": user.disabled, "display_name": user.display_name}


def update_user(session: Session, *, user: User, role: str, contact_point_id: int | None,
                disabled: bool, display_name: str, actor: str, body_id: int | None = None) -> User:
    if role not in ROLES:
        raise ValidationError("角色无效。", field="role")
    _check_role_links(role, contact_point_id, body_id)
    before = _public(user)
    if user.role == "admin" and (role != "admin" or disabled) and _active_admins(session) <= 1:
        raise ValidationError("这是最后一个可用的系统管理员账户，不能停用或降级。")
    user.role, user.contact_point_id, user.disabled = role, contact_point_id, disabled
    user.body_id = body_id if role == "body" else None
    user.display_name = display_name.strip()[:100]
    session.add(user)
    if disabled:
        login_sessions.end_all(session, user_id=user.id)
    audit.record(session, actor=actor, action="user.update", target_type="user",
                 target_id=user.id, before=before, after=_public(user))
    return user


def reset_password(session: Session, *, user: User, actor: str) -> str:
    password = new_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.add(user)
    login_sessions.end_all(session, user_id=user.id)
    audit.record(session, actor=actor, action="user.reset_password", target_type="user",
                 target_id=user.id)
    return password


def _active_admins(session: Session) -> int:
    return session.exec(select(func.count(User.id)).where(User.role == "admin",
                                                          User.disabled.is_(False))).one()


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches (None: an unknown user, same time, no); argon2 takes a
    tenth of a second, so never call it in a write."""
    return verify(password_hash, password)


def change_password(session: Session, *, user: User, current: str, new: str, repeat: str,
                    keep_session: str | None = None) -> None:
    """Set a new password; the caller has checked ``current`` (throttled, see login_throttle).

    Every other login session of the user ends; ``keep_session`` (this browser) stays.
    """
    if new != repeat:
        raise ValidationError("两次输入的新密码不一致。", field="repeat")
    if new == current:
        raise ValidationError("新密码不能与当前密码相同。", field="password")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    login_sessions.end_all(session, user_id=user.id, keep=keep_session)
    audit.record(session, actor=user.username, action="user.change_password", target_type="user",
                 target_id=user.id)


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("没有找到这个用户。")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))


def has_users(session: Session) -> bool:
    return session.exec(select(User.id)).first() is not None


def point_scope(session: Session, *, user: User) -> set[int] | None:
    """Contact points a user may act for: None means all (admin, staff); a host gets their subtree."""
    if user.role in ("admin", "staff"):
        return None
    if user.contact_point_id is None:
        return set()
    return point_subtree(session, point_id=user.contact_point_id)


def point_subtree(session: Session, *, point_id: int) -> set[int]:
    """A contact point and every point under it in the 1+N tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pid, parent in session.exec(select(ContactPoint.id, ContactPoint.parent_id)).all():
        children[parent].append(pid)
    found, stack = set(), [point_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found
