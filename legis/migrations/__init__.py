"""Alembic migrations of the legis schema (run with `legis migrate`)."""
