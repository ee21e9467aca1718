"""Who reports to whom in the 1+N tree: the level that reports to the office is set per tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from legis.errors import NotFound, ValidationError
from legis.models import POINT_KINDS, ContactPoint
from legis.services import audit

RANK = {kind: i for i, kind in enumerate(POINT_KINDS)}   # 主站 0, 站 1, 点 2


@dataclass
class PointInfo:
    id: int
    name: str
    kind: str
    parent_id: int | None
    district: str


@dataclass
class TreeIndex:
    """Every contact point with its parent and children, read in one query."""

    points: dict[int, PointInfo]
    children: dict[int | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    levels: dict[int, str] = field(default_factory=dict)   # root id -> its report_level

    def root_of(self, point_id: int) -> int:
        seen = set()
        current = point_id
        while (parent := self.points[current].parent_id) in self.points and current not in seen:
            seen.add(current)
            current = parent
        return current

    def level_of(self, point_id: int) -> str:
        """The kind whose points report to the office, as set on this point's tree."""
        return self.levels.get(self.root_of(point_id), "站")

    def submits(self, point_id: int) -> bool:
        """Points above their tree's reporting level do not report at all."""
        point = self.points[point_id]
        return RANK.get(point.kind, 2) >= RANK[self.level_of(point_id)]

    def receiver(self, point_id: int) -> int | None:
        """The point this one reports to, or None for the office itself."""
        point = self.points[point_id]
        parent = self.points.get(point.parent_id) if point.parent_id else None
        level = RANK[self.level_of(point_id)]
        if RANK.get(point.kind, 2) <= level or parent is None:
            return None
        return parent.id if RANK.get(parent.kind, 2) >= level else None

    def senders_to(self, point_id: int) -> list[int]:
        """The points reporting to this one (its children below the reporting level)."""
        return [c for c in self.children.get(point_id, []) if self.receiver(c) == point_id]

    def subtree(self, point_id: int) -> set[int]:
        found, stack = set(), [point_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, []))
        return found

    def station_of(self, point_id: int) -> int | None:
        """The 站 a point belongs to (itself if it is one), for filtering."""
        current: int | None = point_id
        seen = set()
        while current is not None and current in self.points and current not in seen:
            seen.add(current)
            if self.points[current].kind == "站":
                return current
            current = self.points[current].parent_id
        return None


def load_tree(session: Session) -> TreeIndex:
    rows = session.exec(select(ContactPoint.id, ContactPoint.name, ContactPoint.kind,
                               ContactPoint.parent_id, ContactPoint.district,
                               ContactPoint.report_level)).all()
    index = TreeIndex(points={r[0]: PointInfo(*r[:5]) for r in rows})
    for pid, _name, _kind, parent, _district, level in rows:
        index.children[parent if parent in index.points else None].append(pid)
        index.levels[pid] = level if level in RANK else "站"
    for kids in index.children.values():
        kids.sort(key=lambda c: (index.points[c].name, c))
    return index


def set_report_level(session: Session, *, point_id: int, level: str, actor: str) -> ContactPoint:
    """Set which kind of point reports to the office, on the root of ``point_id``'s tree."""
    if level not in RANK:
        raise ValidationError("报送层级只能是主站、站或点。", field="level")
    point = session.get(ContactPoint, point_id)
    if point is None:
        raise NotFound("没有找到这个联系点。")
    root = session.get(ContactPoint, load_tree(session).root_of(point.id))
    before = root.report_level
    root.report_level = level
    session.add(root)
    audit.record(session, actor=actor, action="point.report_level", target_type="contact_point",
                 target_id=root.id, before={"report_level": before}, after={"report_level": level})
    return root
