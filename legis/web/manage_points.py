"""Staff pages for contact points: the 1+N tree, create and edit, CSV import with a preview."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError, NotFound
from legis.models import POINT_KINDS
from legis.services import contact_points as point_service
from legis.services import pending, uploaded_tables
from legis.web.common import actor_name, flash, in_db, int_or_none, read_form, redirect, render
from legis.web.errors import FORM_ERRORS, status_of
from legis.web.manage_drafts import read_upload

PENDING_KIND = "points"


def _input(form) -> point_service.PointInput:
    return point_service.PointInput(
        name=str(form.get("name", "")),
        kind=str(form.get("kind", "")),
        parent_id=int_or_none(form.get("parent_id")),
        district=str(form.get("district", "")),
        address=str(form.get("address", "")),
    )


async def _index_page(
    request: Request, *, values: Any = None, errors: dict | None = None,
    import_errors: dict | None = None, status: int = 200,
) -> Response:
    points = await in_db(request, point_service.all_points)
    return render(request, "manage/points.html", {
        "tree": point_service.build_tree(points),
        "options": point_service.tree_options(points),
        "kinds": POINT_KINDS,
        "values": values or {},
        "errors": errors or {},
        "import_errors": import_errors or {},
    }, status=status)


async def points_index(request: Request) -> Response:
    return await _index_page(request)


async def create_point(request: Request) -> Response:
    form = await read_form(request)
    data = _input(form)
    try:
        point = await in_db(request, lambda s: point_service.save_point(s, data=data), write=True)
    except LegisError as error:
        errors = data.errors or {error.field or "name": error.message}
        return await _index_page(request, values=form, errors=errors, status=422)
    flash(request, f"已添加联系点“{point.name}”。")
    return redirect(request.url_for("manage_points").path + f"#p{point.id}")


async def _edit_page(request: Request, point_id: int, *, values=None, errors=None, status=200):
    def load(session: Session):
        point = point_service.get_point(session, point_id)
        return point, point_service.parent_options(session, point=point)

    point, options = await in_db(request, load)
    return render(request, "manage/points_edit.html", {
        "point": point, "options": options, "kinds": POINT_KINDS,
        "values": values or {"name": point.name, "kind": point.kind, "parent_id": point.parent_id,
                             "district": point.district, "address": point.address},
        "errors": errors or {},
    }, status=status)


async def edit_point(request: Request) -> Response:
    return await _edit_page(request, request.path_params["point_id"])


async def update_point(request: Request) -> Response:
    point_id = request.path_params["point_id"]
    form = await read_form(request)
    data = _input(form)
    try:
        point = await in_db(
            request, lambda s: point_service.save_point(s, data=data, point_id=point_id), write=True
        )
    except FORM_ERRORS as error:
        values = {**dict(form), "parent_id": data.parent_id}
        errors = data.errors or {error.field or "name": error.message}
        return await _edit_page(request, point_id, values=values, errors=errors, status=422)
    flash(request, f"已保存联系点“{point.name}”。")
    return redirect(request.url_for("manage_points").path + f"#p{point.id}")


async def point_template(request: Request) -> Response:
    return Response(point_service.template_csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename=\"contact-points.csv\"; "
                               "filename*=UTF-8''%E8%81%94%E7%B3%BB%E7%82%B9%E6%A8%A1%E6%9D%BF.csv",
    })


async def import_preview(request: Request) -> Response:
    form = await read_form(request)
    try:
        data, _filename = await read_upload(request, form.get("file"))
        table = await run_in_threadpool(uploaded_tables.read_table, data)
        rows = await in_db(request, lambda s: point_service.validate_point_rows(s, table))
    except LegisError as error:
        return await _index_page(request, import_errors={"file": error.message},
                                 status=status_of(error) if not isinstance(error, NotFound) else 422)
    bad = [r for r in rows if not r.ok]
    pending_id = ""
    if not bad:
        try:
            pending_id = await in_db(request, lambda s: pending.save_pending(
                s, kind=PENDING_KIND, scope="all", owner=actor_name(request),
                payload=point_service.row_payload(rows)), write=True)
        except LegisError as error:
            return await _index_page(request, import_errors={"file": error.message},
                                     status=status_of(error))
    return render(request, "manage/points_import.html", {
        "rows": rows, "bad": bad, "pending_id": pending_id,
    }, status=422 if bad else 200)


async def import_confirm(request: Request) -> Response:
    form = await read_form(request)
    pending_id = str(form.get("pending", ""))
    owner = actor_name(request)

    def work(session: Session) -> int:
        payload = pending.load_pending(session, pending_id, kind=PENDING_KIND, scope="all",
                                       owner=owner)
        count = point_service.import_point_rows(session, rows=payload)
        pending.drop_pending(session, pending_id, owner=owner)   # in the same transaction
        return count

    count = await in_db(request, work, write=True)
    flash(request, f"已导入{count}个联系点。")
    return redirect(request.url_for("manage_points").path)
