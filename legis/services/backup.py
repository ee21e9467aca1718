"""Backup and restore: every table as versioned JSON lines, portable between SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from legis import migrate
from legis.errors import ValidationError
from legis.models import utcnow
from legis.services import figure_counts

FORMAT = "legis-backup"
VERSION = 1
BATCH = 1000


# Not part of a backup: import previews waiting for a confirmation and files
# background jobs made (both gone within a day), and the generated signing key
# (a restored site makes its own; a backup file never carries it).
# Kept counts are derived from the rows backed up: a restore counts them again.
NOT_BACKED_UP = {"pendingimport", "jobfile", "sitekey", "opinioncount", "figurecount"}


def _tables():
    from legis import models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def dump(engine: Engine, out: IO[str]) -> dict[str, int]:
    """Write the header and every row of every table; returns row counts per table."""
    tables = _tables()
    header = {"format": FORMAT, "version": VERSION, "schema": migrate.current(engine),
              "created_at": utcnow().isoformat(), "tables": [t.name for t in tables]}
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for table in tables:
            columns = [c.name for c in table.columns]
            counts[table.name] = 0
            result = connection.execution_options(yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key.columns))
            for row in result:
                record = {"table": table.name,
                          "row": {c: _encode(v) for c, v in zip(columns, row, strict=True)}}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[table.name] += 1
    return counts


def _decoders(table) -> dict[str, Any]:
    decoders = {}
    for column in table.columns:
        kind = getattr(column.type, "impl", column.type)   # see through TypeDecorators
        if isinstance(kind, DateTime):
            decoders[column.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            decoders[column.name] = date.fromisoformat
    return decoders


def _read(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield record["table"], record["row"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValidationError(f"备份文件第{number}行已损坏，无法恢复。数据库未作任何改动。") from error


def restore(engine: Engine, source: IO[str]) -> dict[str, int]:
    """Load a backup into an empty database (either engine); all or nothing."""
    header = _read_header(source)
    # Rows match the schema they were written with: restore at that revision, then upgrade.
    migrate.upgrade(engine, header.get("schema") or "head")
    tables = {t.name: t for t in _tables()}
    unknown = set(header.get("tables", [])) - set(tables)
    if unknown:
        raise ValidationError(f"备份中有本版本不认识的表：{', '.join(sorted(unknown))}。")
    counts = dict.fromkeys(tables, 0)
    with engine.begin() as connection:
        for name, table in tables.items():
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise ValidationError(f"目标数据库不是空的（表 {name} 已有数据）。请恢复到一个新建的空数据库。")
        pending: dict[str, list[dict]] = {name: [] for name in tables}
        decoders = {name: _decoders(table) for name, table in tables.items()}
        for name, row in _read(source):
            if name not in tables:
                raise ValidationError(f"备份中有本版本不认识的表：{name}。")
            for column, decode in decoders[name].items():
                if row.get(column) is not None:
                    row[column] = decode(row[column])
            pending[name].append(row)
        for name in [t.name for t in _tables()]:
            rows = _parents_first(tables[name], pending[name])
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(tables[name]), rows[start:start + BATCH])
            counts[name] = len(rows)
        if connection.dialect.name == "postgresql":
            # Inserting explicit ids does not move the sequences: move them past the rows.
            quote = connection.dialect.identifier_preparer.quote
            for name, table in tables.items():
                if "id" in table.columns and counts[name]:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{quote(name)}', 'id'), "
                        f"(SELECT max(id) FROM {quote(name)}))"))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        figure_counts.rebuild_all(connection)
    return counts


def _read_header(source: IO[str]) -> dict:
    """The backup's first line, checked: a legis backup in the format this version reads."""
    try:
        header = json.loads(source.readline() or "{}")
    except ValueError:
        header = {}
    if header.get("format") != FORMAT:
        raise ValidationError("这不是 legis 备份文件（文件开头缺少备份标识）。")
    if header.get("version") != VERSION:
        raise ValidationError(f"备份格式版本 {header.get('version')} 不受支持，请用相同版本的 legis 恢复。")
    return header


def _parents_first(table, rows: list[dict]) -> list[dict]:
    """Rows of a table that refers to itself (contact point tree), parents before children."""
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not self_refs or not rows:
        return rows
    column = self_refs[0]
    placed: set = set()
    ordered: list[dict] = []
    remaining = rows
    while remaining:
        ready = [r for r in remaining if r.get(column) is None or r[column] in placed]
        if not ready:
            raise ValidationError(f"备份中表 {table.name} 的上下级关系有环，无法恢复。")
        ordered.extend(ready)
        placed.update(r["id"] for r in ready)
        ready_ids = {id(r) for r in ready}
        remaining = [r for r in remaining if id(r) not in ready_ids]
    return ordered


def backup_file(engine: Engine, path: Path) -> dict[str, int]:
    """Write to ``path`` through a temporary file, so a failed backup never leaves half a file."""
    temporary = path.with_name(path.name + ".partial")
    with temporary.open("w", encoding="utf-8") as out:
        counts = dump(engine, out)
    temporary.replace(path)
    return counts


def restore_file(engine: Engine, path: Path) -> dict[str, int]:
    if not path.is_file():
        raise ValidationError(f"找不到备份文件 {path}。")
    with path.open(encoding="utf-8") as source:
        return restore(engine, source)
