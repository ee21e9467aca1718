"""Logging, configured once per process: level from LEGIS_LOG_LEVEL (default INFO), to stderr.

What is logged never holds personal data: request errors give the method, path, status
and the kind of error (not its message); jobs give their id, kind, draft and duration;
database errors hide their parameters (db.make_engine).
"""

from __future__ import annotations

import logging
import os
import sys

_configured = False


def configure(level: str | None = None) -> None:
    """Give the "legis" loggers one handler; later calls change nothing."""
    global _configured
    if _configured:
        return
    _configured = True
    name = (level or os.environ.get("LEGIS_LOG_LEVEL") or "INFO").upper()
    logger = logging.getLogger("legis")
    logger.setLevel(getattr(logging, name, logging.INFO))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


def where(error: BaseException, frames: int = 4) -> str:
    """Where ``error`` was raised, as "file:line in function" for the innermost frames,
    without its message or any values (those may hold what a resident wrote)."""
    import traceback

    stack = traceback.extract_tb(error.__traceback__)[-frames:]
    return " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
                       for f in reversed(stack))
