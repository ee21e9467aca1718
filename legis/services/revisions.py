"""Draft revisions: propose and confirm a next version's article mapping, follow opinions to changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from legis.errors import Conflict, NotFound, ValidationError
from legis.exporters.model import ArticleChange
from legis.models import (
    STATE_ADOPTED,
    STATE_PARTIAL,
    Article,
    ArticleLink,
    Draft,
    DraftVersion,
    Opinion,
    utcnow,
)
from legis.parsing import ParsedArticle, ParsedDraft, ParsedHeading, to_json
from legis.revisions import KIND_NAMES, ArticleText, Link, char_diff, classify, map_articles
from legis.services import audit
from legis.services.drafts import add_version, articles_of, current_version
from legis.services.duplicates import check_new_version
from legis.services.pending import drop_pending, load_pending, save_pending

PENDING_KIND = "version"
UNCHANGED = {"same", "renumbered"}
LINKABLE_STATES = {STATE_ADOPTED, STATE_PARTIAL}

# ---------------------------------------------------------------- proposing a next version


def propose(session: Session, *, draft: Draft, parsed: ParsedDraft, filename: str,
            name: str, actor: str, source_hash: str = "") -> str:
    """Map the current version to ``parsed`` and keep the proposal as a pending import
    (in the database, for ``actor`` to review and confirm); returns its id.

    Nothing of the draft changes: besides the pending proposal only an audit
    entry is written; the version is only stored when staff confirm the mapping
    (``confirm``). A file this draft
    already has as a version, or the same articles again, is refused. Without a
    name the stage printed with the title (二次审议稿 …) names the version.
    """
    name = (name or "").strip() or parsed.stage
    if len(name) > 60:
        raise ValidationError("版本名称不能超过60字。", field="name")
    if not parsed.articles:
        raise ValidationError("文件中没有找到任何条文（第X条）。", field="file")
    check_new_version(session, draft=draft, parsed=parsed, source_hash=source_hash)
    base = current_version(session, draft=draft)
    old = articles_of(session, version=base)
    links = map_articles(
        [ArticleText(a.id, a.label, a.text) for a in old],
        [ArticleText(n, a.label, a.text) for n, a in enumerate(parsed.articles)],
    )
    payload = {
        "base_version_id": base.id, "filename": Path(filename).name, "name": name,
        "source_sha256": source_hash,
        "parsed": to_json(parsed),
        "links": [{"old": list(link.old_keys), "new": list(link.new_keys), "kind": link.kind,
                   "score": link.score} for link in links],
    }
    pending_id = save_pending(session, kind=PENDING_KIND, scope=str(draft.id), owner=actor,
                              payload=payload)
    audit.record(session, actor=actor, action="version.propose", target_type="draft",
                 target_id=draft.id, draft_id=draft.id,
                 after={"file": payload["filename"], "articles": len(parsed.articles),
                        "base_version": base.number, "kinds": _kind_counts(links)})
    return pending_id


def load_proposal(session: Session, *, draft: Draft, pending_id: str, actor: str) -> dict:
    return load_pending(session, pending_id, kind=PENDING_KIND, scope=str(draft.id), owner=actor)


@dataclass
class ReviewRow:
    old: Article
    new: list[int]            # indexes into ReviewView.new_articles
    kind: str
    score: float


@dataclass
class ReviewView:
    base: DraftVersion
    name: str
    filename: str
    new_articles: list[dict]  # {"index", "label", "text"}
    rows: list[ReviewRow]
    added: list[int]          # new articles no old article maps to (新增)
    kinds: dict[str, int]
    warnings: list[str]


def review(session: Session, *, draft: Draft, payload: dict) -> ReviewView:
    """What the mapping review page shows: each old article and its proposed counterpart(s)."""
    base = _base_version(session, draft=draft, payload=payload)
    old = {a.id: a for a in articles_of(session, version=base)}
    rows, added = [], []
    for link in payload["links"]:
        if not link["old"]:
            added.extend(link["new"])
        for old_id in link["old"]:
            rows.append(ReviewRow(old[old_id], link["new"], link["kind"], link["score"]))
    new_articles = [{"index": n, "label": a["label"], "text": a["text"]}
                    for n, a in enumerate(payload["parsed"]["articles"])]
    counts: dict[str, int] = defaultdict(int)
    for link in payload["links"]:
        counts[link["kind"]] += max(1, len(link["old"]))
    return ReviewView(base, payload["name"], payload["filename"], new_articles,
                      sorted(rows, key=lambda r: r.old.ordinal), added,
                      {KIND_NAMES[k]: counts[k] for k in KIND_NAMES if counts[k]},
                      list(payload["parsed"]["warnings"]))


def confirm(session: Session, *, draft: Draft, payload: dict,
            choices: dict[int, list[int]], actor: str) -> DraftVersion:
    """Store the new version (made current) and the mapping staff confirmed, all or nothing.

    ``choices`` maps old article ids to the new article indexes staff chose
    (an empty list: deleted); old articles missing from it keep the proposal.
    """
    base = _base_version(session, draft=draft, payload=payload)
    old = articles_of(session, version=base)
    parsed_json = payload["parsed"]
    proposed = {old_id: link["new"] for link in payload["links"] for old_id in link["old"]}
    n_new = len(parsed_json["articles"])
    mapping: dict[int, list[int]] = {}
    corrected = 0
    for article in old:
        chosen = choices.get(article.id)
        if chosen is not None and sorted(chosen) != sorted(proposed.get(article.id, [])):
            corrected += 1
        targets = chosen if chosen is not None else proposed.get(article.id, [])
        if any(not 0 <= n < n_new for n in targets):
            raise ValidationError(f"{article.label}选择的新条文不存在，请刷新页面后重试。")
        mapping[article.id] = sorted(set(targets))

    version = add_version(session, draft=draft, parsed=_parsed_from_json(parsed_json),
                          filename=payload["filename"], name=payload["name"],
                          source_hash=payload.get("source_sha256", ""))
    new = articles_of(session, version=version)
    links = _links_from_mapping(old, new, mapping)
    for link in links:
        pairs = ([(o, n) for o in link.old_keys for n in link.new_keys]
                 or [(o, None) for o in link.old_keys] or [(None, n) for n in link.new_keys])
        session.add_all(ArticleLink(old_article_id=o, new_article_id=n, kind=link.kind,
                                    score=link.score, confirmed=True) for o, n in pairs)
    draft.updated_at = utcnow()
    session.add(draft)
    audit.record(session, actor=actor, action="version.confirm", target_type="version",
                 target_id=version.id, draft_id=draft.id,
                 before={"version": base.number, "name": base.name},
                 after={"version": version.number, "name": version.name,
                        "file": payload["filename"], "articles": len(new),
                        "corrected": corrected, "kinds": _kind_counts(links)})
    session.flush()
    return version


def discard(session: Session, pending_id: str, *, actor: str) -> None:
    drop_pending(session, pending_id, owner=actor)


def _base_version(session: Session, *, draft: Draft, payload: dict) -> DraftVersion:
    base = current_version(session, draft=draft)
    if base.id != payload["base_version_id"]:
        raise Conflict("这部草案在此期间已导入了新版本，这份对应关系已失效。请重新上传文件。")
    return base


def _links_from_mapping(old: list[Article], new: list[Article],
                        mapping: dict[int, list[int]]) -> list[Link]:
    """Groups of the chosen mapping (one old to many: split; many to one: merged), with kinds."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for old_id, targets in mapping.items():
        find(("o", old_id))
        for n in targets:
            parent[find(("n", n))] = find(("o", old_id))
    for n in range(len(new)):
        find(("n", n))
    members: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for node in parent:
        members[find(node)].append(node)
    by_id = {a.id: a for a in old}
    links = []
    for nodes in members.values():
        olds = sorted((by_id[i] for side, i in nodes if side == "o"), key=lambda a: a.ordinal)
        news = sorted((new[n] for side, n in nodes if side == "n"), key=lambda a: a.ordinal)
        kind, score = classify([ArticleText(a.id, a.label, a.text) for a in olds],
                               [ArticleText(a.id, a.label, a.text) for a in news])
        if len(olds) > 1 and len(news) > 1:
            kind = "merged"
        links.append(Link(tuple(a.id for a in olds), tuple(a.id for a in news), kind, score))
    return links


def _kind_counts(links: list[Link]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for link in links:
        counts[link.kind] += 1
    return dict(counts)


def _parsed_from_json(data: dict) -> ParsedDraft:
    return ParsedDraft(
        title=data["title"], preamble=data["preamble"],
        headings=[ParsedHeading(level=h["level"], label=h["label"], title=h["title"],
                                number=h["number"], path=tuple(h["path"]))
                  for h in data["headings"]],
        articles=[ParsedArticle(number=a["number"], sub=a["sub"], label=a["label"],
                                caption=a["caption"], path=tuple(a["path"]), text=a["text"],
                                paragraphs=list(a["paragraphs"]))
                  for a in data["articles"]],
        warnings=list(data["warnings"]), stage=data.get("stage", ""),
    )


# ---------------------------------------------------------------- following articles across versions


def versions_of(session: Session, *, draft: Draft) -> list[DraftVersion]:
    return list(session.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)
                             .order_by(DraftVersion.number)))


def successors(session: Session, *, article: Article) -> list[Article]:
    """The article(s) of the next version this one became (none if deleted or not yet mapped)."""
    return list(session.exec(
        select(Article).join(ArticleLink, ArticleLink.new_article_id == Article.id)
        .where(ArticleLink.old_article_id == article.id, ArticleLink.confirmed)
        .order_by(Article.ordinal)).unique())


def predecessors(session: Session, *, article: Article) -> list[Article]:
    """The article(s) of the previous version this one came from (none if new)."""
    return list(session.exec(
        select(Article).join(ArticleLink, ArticleLink.old_article_id == Article.id)
        .where(ArticleLink.new_article_id == article.id, ArticleLink.confirmed)
        .order_by(Article.ordinal)).unique())


def ancestry(session: Session, *, article: Article) -> list[Article]:
    """This article and every earlier article it descends from, newest version first."""
    seen, out, frontier = {article.id}, [article], [article]
    while frontier:
        nxt = []
        for item in frontier:
            for earlier in predecessors(session, article=item):
                if earlier.id not in seen:
                    seen.add(earlier.id)
                    out.append(earlier)
                    nxt.append(earlier)
        frontier = nxt
    return out


def opinions_reaching(session: Session, *, articles: list[Article]) -> list[Opinion]:
    """Opinions made on these articles or on any article they descend from."""
    ids = {a.id for article in articles for a in ancestry(session, article=article)}
    if not ids:
        return []
    return list(session.exec(select(Opinion).where(Opinion.article_id.in_(ids))
                             .order_by(Opinion.article_id, Opinion.id)))


def article_labels(session: Session, *, ids: set[int | None]) -> dict[int, str]:
    """「第三条（征求意见稿）」 for each article id: which version an opinion was made on."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(Article, DraftVersion)
                        .join(DraftVersion, DraftVersion.id == Article.version_id)
                        .where(Article.id.in_(ids)))
    return {a.id: f"{a.label}（{v.name}）" for a, v in rows}


def link_opinion(session: Session, *, draft: Draft, opinion: Opinion,
                 article_id: int | None, actor: str) -> Opinion:
    """Record which article of a later version answers an adopted (or partly adopted) opinion."""
    if opinion.draft_id != draft.id:
        raise NotFound("没有找到这条归纳意见。")
    if article_id is not None:
        if opinion.state not in LINKABLE_STATES:
            raise ValidationError("只有“采纳”或“部分采纳”的意见才能关联到修改后的条文。",
                             field="article_id")
        target = session.get(Article, article_id)
        version = session.get(DraftVersion, target.version_id) if target else None
        source = session.get(Article, opinion.article_id) if opinion.article_id else None
        base = session.get(DraftVersion, source.version_id) if source else None
        if version is None or version.draft_id != draft.id or (
                base is not None and version.number <= base.number):
            raise ValidationError("请选择本草案之后版本中的条文。", field="article_id")
    before = opinion.changed_article_id
    opinion.changed_article_id = article_id
    opinion.updated_at = utcnow()
    session.add(opinion)
    audit.record(session, actor=actor, action="opinion.link_change", target_type="opinion",
                 target_id=opinion.id, draft_id=draft.id,
                 before={"changed_article_id": before}, after={"changed_article_id": article_id})
    return opinion


# ---------------------------------------------------------------- changes between two versions


@dataclass
class Change:
    """One link group between a version and the next: old article(s) -> new article(s)."""

    kind: str
    score: float
    olds: list[Article]
    news: list[Article]
    opinions: list[Opinion] = field(default_factory=list)   # linked to (or led to) this change

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def old_text(self) -> str:
        return "\n".join(a.text for a in self.olds)

    @property
    def new_text(self) -> str:
        return "\n".join(a.text for a in self.news)

    def diff(self) -> list[tuple[str, str]]:
        return char_diff(self.old_text, self.new_text)


def changes(session: Session, *, version: DraftVersion, include_unchanged: bool = False) -> list[Change]:
    """The link groups from the previous version into ``version``, in the new text's order."""
    rows = list(session.exec(
        select(ArticleLink, Article).join(Article, Article.id == ArticleLink.new_article_id)
        .where(Article.version_id == version.id, ArticleLink.confirmed)))
    new_ids = {a.id for a in articles_of(session, version=version)}
    previous = session.exec(select(DraftVersion).where(
        DraftVersion.draft_id == version.draft_id, DraftVersion.number < version.number)
        .order_by(DraftVersion.number.desc())).first()
    deleted = []
    if previous is not None:
        old_ids = select(Article.id).where(Article.version_id == previous.id)
        deleted = list(session.exec(select(ArticleLink).where(
            ArticleLink.old_article_id.in_(old_ids), ArticleLink.new_article_id.is_(None),
            ArticleLink.confirmed)))
    links = [link for link, _ in rows] + deleted
    ids = {i for link in links for i in (link.old_article_id, link.new_article_id) if i}
    articles = {a.id: a for a in session.exec(select(Article).where(Article.id.in_(ids)))}
    groups: dict[int, Change] = {}
    by_article: dict[int, Change] = {}
    for link in links:
        ends = [i for i in (link.old_article_id, link.new_article_id) if i]
        change = next((by_article[i] for i in ends if i in by_article), None)
        if change is None:
            change = Change(link.kind, link.score, [], [])
            groups[id(change)] = change
        for i in ends:
            by_article[i] = change
            side = change.news if i in new_ids else change.olds
            if articles[i] not in side:
                side.append(articles[i])
    result = [c for c in groups.values() if include_unchanged or c.kind not in UNCHANGED]
    _attach_opinions(session, result)
    for change in result:
        change.olds.sort(key=lambda a: a.ordinal)
        change.news.sort(key=lambda a: a.ordinal)
    _place_deleted(result)
    return result


def _place_deleted(result: list[Change]) -> None:
    """New-text order; a deleted article goes after the change of the old article before it."""
    def key(change: Change) -> tuple[float, int]:
        old = min((a.ordinal for a in change.olds), default=0)
        if change.news:
            return (change.news[0].ordinal, old)
        earlier = [c.news[0].ordinal for c in result if c.news and c.olds
                   and min(a.ordinal for a in c.olds) < old]
        return (max(earlier, default=-1) + 0.5, old)
    result.sort(key=key)


def _attach_opinions(session: Session, result: list[Change]) -> None:
    """Opinions linked to a change's new article(s); for a deletion, adopted opinions on the old one."""
    new_ids = {a.id: c for c in result for a in c.news}
    deleted_old = {a.id: c for c in result if not c.news for a in c.olds}
    if new_ids:
        for opinion in session.exec(select(Opinion).where(
                Opinion.changed_article_id.in_(new_ids)).order_by(Opinion.id)):
            new_ids[opinion.changed_article_id].opinions.append(opinion)
    if deleted_old:
        for opinion in session.exec(select(Opinion).where(
                Opinion.article_id.in_(deleted_old), Opinion.state.in_(LINKABLE_STATES))
                .order_by(Opinion.id)):
            deleted_old[opinion.article_id].opinions.append(opinion)


def change_of(session: Session, *, draft: Draft, article_id: int) -> tuple[Change, DraftVersion]:
    """The link group an article belongs to: where it went if it has a successor, else where it came from."""
    article = session.get(Article, article_id)
    version = session.get(DraftVersion, article.version_id) if article else None
    if version is None or version.draft_id != draft.id:
        raise NotFound("没有找到这一条。")
    outgoing = session.exec(select(ArticleLink.id).where(
        ArticleLink.old_article_id == article.id, ArticleLink.confirmed)).first()
    target = version
    if outgoing is not None:
        target = session.exec(select(DraftVersion).where(
            DraftVersion.draft_id == draft.id, DraftVersion.number > version.number)
            .order_by(DraftVersion.number)).first()
    for change in changes(session, version=target, include_unchanged=True):
        if article in change.olds or article in change.news:
            return change, target
    raise NotFound("这一条没有版本对应关系（它属于第一稿，且还没有导入后续版本）。")


def article_changes(session: Session, *, draft: Draft) -> list[ArticleChange]:
    """The 修改情况 / 对照表 rows: every changed article from the previous version to the current."""
    version = current_version(session, draft=draft)
    out = []
    for change in changes(session, version=version):
        notes = list(dict.fromkeys(o.change_note.strip() for o in change.opinions
                                   if o.change_note.strip()))
        out.append(ArticleChange(
            old_label=change.olds[0].label if change.olds else "",
            old_text=_joined(change.olds), new_label=change.news[0].label if change.news else "",
            new_text=_joined(change.news), opinion_ids=[o.id for o in change.opinions],
            reason="；".join(notes)))
    return out


def _joined(articles: list[Article]) -> str:
    """First article's text, later ones with their label (the label of the first is printed apart)."""
    if not articles:
        return ""
    return "\n".join([articles[0].text, *(f"{a.label}　{a.text}" for a in articles[1:])])
