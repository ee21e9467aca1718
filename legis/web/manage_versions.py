"""Staff pages for draft versions: import a next version, confirm the mapping, compare, 对照表."""

from __future__ import annotations

import re

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import NotFound, ValidationError
from legis.exporters.comparison import comparison_table
from legis.parsing import parse_bytes
from legis.revisions import KIND_NAMES
from legis.services import drafts as draft_service
from legis.services import opinions as opinion_service
from legis.services import reports
from legis.services import revisions as revision_service
from legis.services.duplicates import content_hash
from legis.services.paper_import import parse_article_ref
from legis.web.common import (
    actor_name,
    attachment,
    flash,
    in_db,
    int_or_none,
    read_form,
    redirect,
    render,
)
from legis.web.errors import FORM_ERRORS
from legis.web.manage_drafts import read_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Options offered in each row of the review page: new articles this close to
# where the old one is expected; anything further is typed as an article number.
WINDOW = 10
# The review form has two fields per old article; a 1,000-article code fits.
MAX_REVIEW_FIELDS = 2500


# ---------------------------------------------------------------- versions and import


async def versions_page(request: Request, *, errors=None, values=None, status=200) -> Response:
    draft_id = request.path_params["draft_id"]

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        versions = revision_service.versions_of(session, draft=draft)
        counts = {v.id: len(draft_service.articles_of(session, version=v)) for v in versions}
        return {"draft": draft, "versions": versions, "counts": counts}

    context = await in_db(request, load)
    context |= {"errors": errors or {}, "values": values or {}}
    return render(request, "manage/version_list.html", context, status=status)


async def import_version(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    form = await read_form(request)
    values = {"name": str(form.get("name", "")).strip()}
    actor = actor_name(request)
    try:
        data, filename = await read_upload(request, form.get("file"))
        parsed = await run_in_threadpool(parse_bytes, data, filename)
        draft_service.check_size(parsed, max_articles=request.app.state.settings.max_articles)

        def work(session: Session) -> str:
            draft = draft_service.get_draft(session, draft_id=draft_id)
            return revision_service.propose(session, draft=draft, parsed=parsed,
                                            filename=filename, name=values["name"],
                                            actor=actor,
                                            source_hash=content_hash(data))

        pending_id = await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        return await versions_page(request, errors={error.field or "file": error.message},
                                   values=values, status=422)
    return redirect(request.url_for("manage_version_review", draft_id=draft_id,
                                    pending_id=pending_id).path)


def _expected_positions(view: revision_service.ReviewView) -> list[int]:
    """Where each old article's counterpart should be: its proposal, else after the previous one."""
    out, last = [], -1
    for row in view.rows:
        if row.new:
            last = max(row.new)
            out.append(min(row.new))
        else:
            out.append(last + 1)
    return out


async def review_page(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    pending_id = request.path_params["pending_id"]
    actor = actor_name(request)

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        payload = revision_service.load_proposal(session, draft=draft, pending_id=pending_id,
                                                 actor=actor)
        return draft, revision_service.review(session, draft=draft, payload=payload)

    try:
        draft, view = await in_db(request, load)
    except FORM_ERRORS as error:
        flash(request, error.message, "warn")
        return redirect(request.url_for("manage_versions", draft_id=draft_id).path)
    n = len(view.new_articles)
    windows = [range(max(0, p - WINDOW), min(n, p + WINDOW + 1))
               for p in _expected_positions(view)]
    return render(request, "manage/version_review.html", {
        "draft": draft, "view": view, "pending_id": pending_id,
        "rows": list(zip(view.rows, windows, strict=True)), "kind_names": KIND_NAMES,
    })


def _choices(form, view: revision_service.ReviewView) -> tuple[dict[int, list[int]], dict[str, str]]:
    """Old article id -> chosen new indexes; a typed article number overrides the select."""
    by_ref = {}
    for article in view.new_articles:
        ref = parse_article_ref(article["label"])
        if ref:
            by_ref.setdefault(ref, article["index"])
    choices: dict[int, list[int]] = {}
    errors: dict[str, str] = {}
    for row in view.rows:
        typed = str(form.get(f"ref_{row.old.id}", "")).strip()
        if typed:
            picked = []
            for part in filter(None, re.split(r"[,，、;；\s]+", typed)):
                if part in ("删除", "删", "0"):
                    continue
                index = by_ref.get(parse_article_ref(part))
                if index is None:
                    errors[f"ref_{row.old.id}"] = f"{row.old.label}：新版本中没有“{part[:20]}”。"
                    break
                picked.append(index)
            choices[row.old.id] = picked
            continue
        raw = form.get(f"map_{row.old.id}")
        if raw is None:
            continue
        raw = str(raw)
        if raw == "del":
            choices[row.old.id] = []
        else:
            indexes = [int_or_none(x) for x in raw.split(",")]
            if None in indexes:
                errors[f"map_{row.old.id}"] = f"{row.old.label}：选择无效。"
            else:
                choices[row.old.id] = indexes
    return choices, errors


async def confirm_mapping(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    pending_id = request.path_params["pending_id"]
    try:
        form = await request.form(max_files=0, max_fields=MAX_REVIEW_FIELDS)
    except Exception as exc:  # multipart parser errors carry English text
        raise ValidationError("提交的表单无法读取（可能过大或格式有误），请返回后重试。") from exc
    actor = actor_name(request)
    if form.get("action") == "cancel":
        await in_db(request, lambda s: revision_service.discard(s, pending_id, actor=actor),
                    write=True)
        flash(request, "已取消导入，草案版本没有改变。")
        return redirect(request.url_for("manage_versions", draft_id=draft_id).path)

    def work(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        payload = revision_service.load_proposal(session, draft=draft, pending_id=pending_id,
                                                 actor=actor)
        view = revision_service.review(session, draft=draft, payload=payload)
        choices, errors = _choices(form, view)
        if errors:
            return None, errors
        version = revision_service.confirm(session, draft=draft, payload=payload,
                                           choices=choices, actor=actor)
        revision_service.discard(session, pending_id, actor=actor)   # in the same transaction
        return (version.id, version.name), {}

    try:
        saved, errors = await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        flash(request, error.message, "warn")
        return redirect(request.url_for("manage_versions", draft_id=draft_id).path)
    if errors:
        for message in errors.values():
            flash(request, message, "warn")
        return redirect(request.url_for("manage_version_review", draft_id=draft_id,
                                        pending_id=pending_id).path)
    version_id, name = saved
    flash(request, f"已导入{name}并设为当前版本，新意见将针对新版本条文；原有意见仍保留在原条文上。")
    return redirect(request.url_for("manage_version_changes", draft_id=draft_id,
                                    version_id=version_id).path)


# ---------------------------------------------------------------- comparisons


async def changes_page(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    version_id = request.path_params["version_id"]
    show_all = request.query_params.get("all") == "1"

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        version = next((v for v in revision_service.versions_of(session, draft=draft)
                        if v.id == version_id), None)
        if version is None:
            raise NotFound("没有找到这个版本。")
        changes = revision_service.changes(session, version=version, include_unchanged=show_all)
        return {"draft": draft, "version": version, "changes": changes, "show_all": show_all}

    return render(request, "manage/version_changes.html", await in_db(request, load))


async def compare_page(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    article_id = request.path_params["article_id"]

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        change, version = revision_service.change_of(session, draft=draft, article_id=article_id)
        opinions = revision_service.opinions_reaching(session, articles=change.olds)
        labels = revision_service.article_labels(session, ids={o.article_id for o in opinions})
        targets = draft_service.articles_of(session, version=version)
        target_labels = {a.id: a.label for a in targets}
        history = {o.id: opinion_service.members(session, opinion_id=o.id) for o in opinions}
        return {"draft": draft, "change": change, "version": version, "opinions": opinions,
                "labels": labels, "targets": targets, "target_labels": target_labels,
                "diff": change.diff(), "counts": {k: len(v) for k, v in history.items()},
                "linkable": revision_service.LINKABLE_STATES}

    return render(request, "manage/version_compare.html", await in_db(request, load))


async def link_opinion(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    opinion_id = request.path_params["opinion_id"]
    form = await read_form(request)
    back = int_or_none(form.get("back"))
    raw = str(form.get("article_id", "")).strip()
    article_id = int_or_none(raw) if raw else None
    actor = actor_name(request)

    def work(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        opinion = opinion_service.get_opinion(session, opinion_id=opinion_id, draft_id=draft.id)
        revision_service.link_opinion(session, draft=draft, opinion=opinion,
                                      article_id=article_id, actor=actor)

    try:
        await in_db(request, work, write=True)
        flash(request, "已关联到修改后的条文。" if article_id else "已取消关联。")
    except FORM_ERRORS as error:
        flash(request, error.message, "warn")
    if back is None:
        return redirect(request.url_for("manage_versions", draft_id=draft_id).path)
    return redirect(request.url_for("manage_version_compare", draft_id=draft_id,
                                    article_id=back).path)


async def download_table(request: Request) -> Response:
    """The 修改前后对照表 (.docx): previous version | current version | reasons and opinions."""
    draft_id = request.path_params["draft_id"]
    office = request.app.state.settings.office

    def load(session: Session):
        return reports.build_report(session, draft_id=draft_id, office=office)

    data = await in_db(request, load)
    body = await run_in_threadpool(lambda: comparison_table(data))
    name = f"{data.draft_title}-修改前后对照表.docx"
    return Response(body, media_type=DOCX, headers=attachment(name, "comparison.docx"))
