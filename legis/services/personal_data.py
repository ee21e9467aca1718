"""Who sees residents' personal data (PIPL): the one rule for pages, exports and downloads.

Names, phones and the personal data inside a comment's text are shown as typed to
legislative staff, and to the host of the contact point that took the comment. Everyone
else sees them masked: system administrators manage accounts, not residents' data;
承办单位 see only the opinions referred to them; residents see public pages only.
Unmasked (internal) exports and their background-job files are for legislative staff only.
"""

from __future__ import annotations

from typing import Protocol

from legis import privacy
from legis.exporters.masking import mask_name, mask_phone
from legis.vocabulary import Role


class Viewer(Protocol):
    role: str
    points: frozenset[int] | None      # contact points in the viewer's scope; None = all

    def may_act_for(self, point_id: int | None) -> bool: ...


def sees_unmasked(viewer: Viewer | None, point_id: int | None) -> bool:
    """May this viewer see the personal data of a comment taken at ``point_id`` as typed?"""
    if viewer is None:
        return False
    if viewer.role == Role.STAFF:
        return True
    return viewer.role == Role.HOST and point_id is not None and viewer.may_act_for(point_id)


def may_export_unmasked(viewer: Viewer | None) -> bool:
    """May this viewer download an internal (unmasked) export? Legislative staff only."""
    return viewer is not None and viewer.role == Role.STAFF


def shown_name(name: str | None, *, unmasked: bool) -> str | None:
    return name if unmasked else mask_name(name)


def shown_phone(phone: str | None, *, unmasked: bool) -> str | None:
    return phone if unmasked else mask_phone(phone)


def shown_text(text: str, personal_data: str | None, *, unmasked: bool) -> str:
    """A comment's text as typed, or with the personal data found in it masked."""
    return text if unmasked else privacy.public_text(text, personal_data)
