"""Merging a draft's comments into opinions, keeping every staff decision across re-runs.

Two modes:
- incremental (the default): only comments not yet in an opinion are placed —
  each joins the existing opinion it matches, the rest form new opinions;
- full: comments in opinions staff never touched are clustered again. Opinions
  staff edited, rearranged or decided on ("locked") keep their members and
  their text; new comments may still join them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from legis import matching, privacy
from legis.db import session_scope
from legis.models import STATE_PENDING, Comment, Opinion, utcnow
from legis.services import audit, figure_counts
from legis.services.jobs import Progress
from legis.services.report_checks import unmerged_count  # noqa: F401  (the review pages use it from here)

SAMPLE_MEMBERS = 8      # member texts an opinion is matched by, besides its own text
MEDOID_SAMPLE = 40      # members considered when choosing the representative text


@dataclass
class Snapshot:
    comments: list[tuple[int, int | None, str, int | None]]   # id, article, text, opinion
    opinions: dict[int, Opinion]


def is_locked(opinion: Opinion) -> bool:
    """Staff have put work into this opinion (or approved its text): a re-run must not take it apart."""
    return (opinion.text_edited or opinion.staff_touched or opinion.approved
            or opinion.state != STATE_PENDING)


def load_snapshot(session: Session, *, draft_id: int) -> Snapshot:
    rows = session.exec(
        select(Comment.id, Comment.article_id, Comment.text, Comment.opinion_id)
        .where(Comment.draft_id == draft_id, Comment.excluded.is_(False),
               Comment.withdrawn.is_(False))
        .order_by(Comment.id)
    ).all()
    opinions = {o.id: o for o in session.exec(select(Opinion).where(Opinion.draft_id == draft_id))}
    return Snapshot(comments=[tuple(r) for r in rows], opinions=opinions)


# Points (of 100, the scale of fuzz.ratio) a member loses as the opinion's text for each
# way it reads less clearly than another: wrappers kept (我认为, 谢谢, 望采纳), traditional
# characters, or much shorter than the group's typical member (a fragment).
UNCLEAR_PENALTY = 15.0


def _unclear(text: str, flat: str, typical_length: float) -> float:
    penalty = 0.0
    if len(matching.normalise_basic(text)) > len(flat):
        penalty += UNCLEAR_PENALTY
    if not matching.is_simplified(text):
        penalty += UNCLEAR_PENALTY
    if len(flat) < 0.6 * typical_length:
        penalty += UNCLEAR_PENALTY
    return penalty


def representative(texts: list[str]) -> str:
    """The clearest member: the most typical (similar to the others, a medoid), less a
    penalty for wrappers, traditional characters or being a fragment; the earliest wins
    ties."""
    if len(texts) == 1:
        return texts[0]
    sample = texts[:MEDOID_SAMPLE]
    flat = [matching.normalise(t) for t in sample]
    lengths = sorted(len(f) for f in flat)
    typical_length = lengths[len(lengths) // 2]
    best, best_score = 0, float("-inf")
    for i, a in enumerate(flat):
        typical = sum(fuzz.ratio(a, b) for j, b in enumerate(flat) if j != i) / (len(flat) - 1)
        score = typical - _unclear(sample[i], a, typical_length)
        if score > best_score:
            best, best_score = i, score
    return sample[best]


def plan(snapshot: Snapshot, *, full: bool, threshold: float, progress: Progress | None = None
         ) -> tuple[dict[int, int | str], dict[str, tuple[int | None, str]], set[int]]:
    """Decide where each free comment goes, without touching the database.

    Returns (assignment comment id -> opinion id or new-group key, the
    (article, representative text) of each formed group, opinions left empty).
    """
    opinions = snapshot.opinions
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for cid, _article, text, oid in snapshot.comments:
        if oid is not None:
            members[oid].append((cid, text))

    def free(oid: int | None) -> bool:
        return oid is None or (full and oid in opinions and not is_locked(opinions[oid]))

    by_article: dict[int | None, list[tuple[int, str, int | None]]] = defaultdict(list)
    for cid, article, text, oid in snapshot.comments:
        if free(oid):
            by_article[article].append((cid, text, oid))

    assignment: dict[int, int | str] = {}
    new_texts: dict[str, tuple[int | None, str]] = {}
    reused: set[int] = set()
    total = sum(len(v) for v in by_article.values()) or 1
    done = 0
    for article, items in by_article.items():
        targets = [
            (o.id, [o.text] + [t for _, t in members[o.id][:SAMPLE_MEMBERS]])
            for o in opinions.values()
            if o.article_id == article and not free(o.id)
        ]
        texts = [text for _, text, _ in items]
        joined = matching.assign(texts, targets, threshold=threshold) if targets else [None] * len(texts)
        rest = [(item, i) for i, (item, target) in enumerate(zip(items, joined)) if target is None]
        for (cid, _text, _oid), target in zip(items, joined):
            if target is not None:
                assignment[cid] = target
        groups = matching.cluster([item[1] for item, _ in rest], threshold=threshold) if rest else []
        grouped: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
        for (item, _), group in zip(rest, groups):
            grouped[group].append(item)
        for group, group_items in grouped.items():
            # Keep an opinion's id when most of its old members stay together, so
            # receipts and links that point at it stay meaningful.
            previous = Counter(oid for _, _, oid in group_items if oid is not None and oid not in reused)
            key: int | str
            if previous:
                key = previous.most_common(1)[0][0]
                reused.add(key)
            else:
                key = f"{article}:{group}"
            for cid, _text, _oid in group_items:
                assignment[cid] = key
            new_texts[str(key)] = (article, representative([t for _, t, _ in group_items]))
        done += len(items)
        if progress:
            progress(0.1 + 0.7 * done / total, f"已归并 {done}/{total} 条意见")
    targeted = {v for v in assignment.values() if isinstance(v, int)}
    emptied = {
        oid for oid in opinions if free(oid) and oid not in reused and oid not in targeted
    } if full else set()
    return assignment, new_texts, emptied


def merge_draft(engine: Engine, *, draft_id: int, full: bool = False, actor: str = "",
                threshold: float | None = None, progress: Progress | None = None) -> dict:
    """Merge a draft's comments into opinions; returns counts for the job result."""
    threshold = matching.DEFAULT_THRESHOLD if threshold is None else threshold
    progress = progress or (lambda fraction, message: None)
    progress(0.02, "正在读取意见")
    with session_scope(engine) as session:
        snapshot = load_snapshot(session, draft_id=draft_id)
    assignment, new_texts, emptied = plan(snapshot, full=full, threshold=threshold,
                                          progress=progress)
    progress(0.85, "正在保存归并结果")
    before = {cid: oid for cid, _a, _t, oid in snapshot.comments}
    with session_scope(engine, write=True) as session:
        # Comments staff moved while we were computing keep their new place.
        current = dict(session.exec(
            select(Comment.id, Comment.opinion_id).where(Comment.draft_id == draft_id)
        ).all())
        opinion_ids: dict[str, int] = {}
        for key, (_article, text) in new_texts.items():
            if key.isdigit() and int(key) in snapshot.opinions:
                opinion = session.get(Opinion, int(key))
                if not (opinion.text_edited or opinion.approved):
                    # The engine's suggestion: masked, and waiting for staff to approve it.
                    opinion.text = privacy.mask(text)
                opinion.updated_at = utcnow()
                session.add(opinion)
                opinion_ids[key] = opinion.id
        created = 0
        for key, (article, text) in new_texts.items():
            if key in opinion_ids:
                continue
            opinion = Opinion(draft_id=draft_id, article_id=article, text=privacy.mask(text))
            session.add(opinion)
            session.flush()
            opinion_ids[key] = opinion.id
            created += 1
        updates = []
        decided = {oid for oid, o in snapshot.opinions.items() if o.state != STATE_PENDING}
        for cid, key in assignment.items():
            target = key if isinstance(key, int) and str(key) not in new_texts else opinion_ids[str(key)]
            if current.get(cid) == before[cid] and before[cid] != target:
                # Joining an opinion already decided: staff confirm before the
                # resident's receipt shows that decision.
                updates.append({"id": cid, "opinion_id": target,
                                "awaiting_confirmation": target in decided})
        if updates:
            session.execute(update(Comment), updates)
            # Bulk updates pass no flush listener: name what they changed.
            figure_counts.opinions_changed(session, draft_id, {before[u["id"]] for u in updates}
                                           | {u["opinion_id"] for u in updates})
        still_used = set(session.exec(
            select(Comment.opinion_id).where(Comment.draft_id == draft_id,
                                             Comment.opinion_id.is_not(None)).distinct()
        ).all())
        removable = [oid for oid in emptied if oid not in still_used]
        if removable:
            session.execute(delete(Opinion).where(Opinion.id.in_(removable)))
            figure_counts.opinions_changed(session, draft_id, removable)
        result = {
            "comments": len(snapshot.comments),
            "placed": len(assignment),
            "moved": len(updates),
            "new_opinions": created,
            "removed_opinions": len(removable),
            "mode": "full" if full else "incremental",
        }
        audit.record(session, actor=actor, action="merge.run", target_type="draft",
                     target_id=draft_id, draft_id=draft_id, after=result)
    result["message"] = (
        f"归并完成：处理{result['placed']}条意见，新增{created}条归纳意见。"
    )
    progress(1.0, result["message"])
    return result
