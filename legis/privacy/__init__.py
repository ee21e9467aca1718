"""Residents' personal data inside free text: find it, mask it (rules are data in data/rules.toml)."""

from legis.privacy.finder import (
    KINDS,
    Finding,
    find,
    id_check_ok,
    kinds,
    label,
    luhn_ok,
    mask,
    public_text,
)

__all__ = ["KINDS", "Finding", "find", "id_check_ok", "kinds", "label", "luhn_ok", "mask", "public_text"]
