"""Contact points (基层立法联系点) as a 1+N tree: create, edit without cycles, import from CSV."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from legis.errors import Conflict, NotFound, ValidationError
from legis.models import POINT_KINDS, ContactPoint
from legis.services.uploaded_tables import table_records

NAME_MAX, DISTRICT_MAX, ADDRESS_MAX = 200, 100, 300
KINDS_TEXT = "、".join(POINT_KINDS)


def clean_text(value: Any) -> str:
    """A form or cell value as trimmed NFC text."""
    return unicodedata.normalize("NFC", str(value or "")).strip()


@dataclass
class PointInput:
    """A contact point as typed in the form; ``errors`` maps field name to a Chinese message."""

    name: str = ""
    kind: str = "点"
    parent_id: int | None = None
    district: str = ""
    address: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def validate(self) -> PointInput:
        self.errors = {}
        self.name, self.kind = clean_text(self.name), clean_text(self.kind)
        self.district, self.address = clean_text(self.district), clean_text(self.address)
        if not self.name:
            self.errors["name"] = "请填写联系点名称。"
        elif len(self.name) > NAME_MAX:
            self.errors["name"] = f"名称不能超过{NAME_MAX}个字。"
        if self.kind not in POINT_KINDS:
            self.errors["kind"] = f"类型只能是{KINDS_TEXT}之一。"
        if len(self.district) > DISTRICT_MAX:
            self.errors["district"] = f"区不能超过{DISTRICT_MAX}个字。"
        if len(self.address) > ADDRESS_MAX:
            self.errors["address"] = f"地址不能超过{ADDRESS_MAX}个字。"
        return self

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class PointNode:
    """A contact point with its children, for the nested tree page."""

    point: ContactPoint
    children: list[PointNode] = field(default_factory=list)


def all_points(session: Session) -> list[ContactPoint]:
    return list(session.exec(select(ContactPoint).order_by(ContactPoint.name, ContactPoint.id)))


def parent_options(session: Session, *, point: ContactPoint) -> list[tuple[ContactPoint, int]]:
    """Points ``point`` may be moved under, with their depth: neither itself nor any point
    below it (that would make a loop in the tree)."""
    from legis.services.accounts import point_subtree

    below = point_subtree(session, point_id=point.id)
    return [(p, depth) for p, depth in tree_options(all_points(session)) if p.id not in below]


def build_tree(points: Sequence[ContactPoint]) -> list[PointNode]:
    """Nest points under their parents; a point whose parent is missing is shown at the top."""
    nodes = {p.id: PointNode(p) for p in points}
    order = {kind: i for i, kind in enumerate(POINT_KINDS)}
    roots: list[PointNode] = []
    for point in sorted(points, key=lambda p: (order.get(p.kind, 9), p.name, p.id)):
        parent = nodes.get(point.parent_id)
        (parent.children if parent else roots).append(nodes[point.id])
    return roots


def tree_options(points: Sequence[ContactPoint]) -> list[tuple[ContactPoint, int]]:
    """Every point with its depth, in tree order: for an indented <select>."""
    out: list[tuple[ContactPoint, int]] = []

    def walk(nodes: list[PointNode], depth: int) -> None:
        for node in nodes:
            out.append((node.point, depth))
            walk(node.children, depth + 1)

    walk(build_tree(points), 0)
    return out


def get_point(session: Session, point_id: int) -> ContactPoint:
    point = session.get(ContactPoint, point_id)
    if point is None:
        raise NotFound("没有找到这个联系点。")
    return point


def save_point(
    session: Session, *, data: PointInput, point_id: int | None = None
) -> ContactPoint:
    """Create a point (``point_id`` None) or update one; refuses a parent that would make a cycle."""
    if not data.validate().ok:
        first = next(iter(data.errors))
        raise ValidationError(data.errors[first], field=first)
    point = get_point(session, point_id) if point_id is not None else ContactPoint(name=data.name)
    if data.parent_id is not None:
        parent = session.get(ContactPoint, data.parent_id)
        if parent is None:
            raise ValidationError("所选上级联系点不存在，请刷新页面后重选。", field="parent_id")
        if point_id is not None and point_id in _ancestor_ids(session, parent):
            raise ValidationError(
                "不能把联系点挂在它自己或它的下级之下，请另选上级。", field="parent_id"
            )
    point.name, point.kind, point.parent_id = data.name, data.kind, data.parent_id
    point.district, point.address = data.district, data.address
    session.add(point)
    session.flush()
    return point


def _ancestor_ids(session: Session, point: ContactPoint) -> set[int]:
    """``point`` and every point above it (stops on a cycle already in the data)."""
    seen: set[int] = set()
    current: ContactPoint | None = point
    while current is not None and current.id not in seen:
        seen.add(current.id)
        current = session.get(ContactPoint, current.parent_id) if current.parent_id else None
    return seen


# ---------------------------------------------------------------- CSV import

POINT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "联系点名称", "名字"),
    "kind": ("类型", "类别", "级别"),
    "parent": ("上级", "上级联系点", "所属"),
    "district": ("区", "所在区", "区县", "行政区"),
    "address": ("地址", "详细地址"),
}
POINT_HEADERS = ("名称", "类型", "上级", "区", "地址")


@dataclass
class PointRow:
    line: int
    name: str
    kind: str
    parent: str
    district: str
    address: str
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_point_rows(session: Session, rows: list[list[Any]]) -> list[PointRow]:
    """Check every row of a contact point sheet against the file and the database."""
    records = table_records(rows, POINT_COLUMNS, required=("name", "kind"))
    existing: dict[str, list[ContactPoint]] = {}
    for point in all_points(session):
        existing.setdefault(point.name, []).append(point)
    result: list[PointRow] = []
    for line, record in records:
        data = PointInput(
            name=record.get("name", ""), kind=record.get("kind", ""),
            district=record.get("district", ""), address=record.get("address", ""),
        ).validate()
        row = PointRow(line, data.name, data.kind, clean_text(record.get("parent", "")),
                       data.district, data.address, list(data.errors.values()))
        if data.name in existing:
            row.errors.append(f"已有名为“{data.name}”的联系点；如需修改，请在联系点页面编辑。")
        result.append(row)

    in_file: dict[str, PointRow] = {}
    for row in result:
        if not row.name:
            continue
        if row.name in in_file:
            row.errors.append(f"名称与第{in_file[row.name].line}行重复。")
        else:
            in_file[row.name] = row
    for row in result:
        if not row.parent:
            continue
        if row.parent == row.name:
            row.errors.append("上级不能是它自己。")
        elif len(existing.get(row.parent, [])) > 1:
            row.errors.append(f"名为“{row.parent}”的联系点不止一个，无法确定上级，请先在页面上改名。")
        elif row.parent not in existing and row.parent not in in_file:
            row.errors.append(f"上级“{row.parent}”既不在系统中，也不在本文件中。")
    for row in result:
        if row.ok and _cycles_in_file(row, in_file):
            row.errors.append("上级关系形成了循环（A 的上级是 B，B 的上级又是 A）。")
    return result


def _cycles_in_file(row: PointRow, in_file: dict[str, PointRow]) -> bool:
    seen = {row.name}
    current = in_file.get(row.parent)
    while current is not None:
        if current.name in seen:
            return True
        seen.add(current.name)
        current = in_file.get(current.parent)
    return False


def import_point_rows(session: Session, *, rows: Sequence[dict[str, Any]]) -> int:
    """Create the confirmed rows, parents first; validated again, nothing is written on error."""
    checked = validate_point_rows(
        session, [list(POINT_HEADERS)] + [[r[k] for k in POINT_COLUMNS] for r in rows]
    )
    bad = [r for r in checked if not r.ok]
    if bad:
        raise Conflict(
            f"联系点数据已有变化，“{bad[0].name}”不能导入：{bad[0].errors[0]}请重新上传文件。")
    ids = {p.name: p.id for p in all_points(session)}
    waiting = list(checked)
    while waiting:
        ready = [r for r in waiting if not r.parent or r.parent in ids]
        if not ready:  # unreachable after validation; guards against an endless loop
            raise ValidationError("上级关系无法解析，请检查文件。")
        for row in ready:
            point = ContactPoint(
                name=row.name, kind=row.kind, parent_id=ids.get(row.parent) if row.parent else None,
                district=row.district, address=row.address,
            )
            session.add(point)
            session.flush()
            ids[row.name] = point.id
        waiting = [r for r in waiting if r not in ready]
    return len(checked)


def row_payload(rows: Sequence[PointRow]) -> list[dict[str, Any]]:
    """The fields of validated rows to keep until the host confirms."""
    return [{"name": r.name, "kind": r.kind, "parent": r.parent, "district": r.district,
             "address": r.address} for r in rows]


def template_csv() -> bytes:
    """The CSV template: UTF-8 with BOM so Excel shows the Chinese column names."""
    lines = [
        ",".join(POINT_HEADERS),
        "东风街道代表之家,主站,,东城区,东风路1号",
        "东风社区联络站,站,东风街道代表之家,东城区,东风路8号",
        "东风律师事务所联络点,点,东风社区联络站,东城区,东风路20号",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
