"""The 台账: points ranked within a district or station for a year, each point's record, the .xlsx."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import NotFound
from legis.services import ledger
from legis.services.report_levels import load_tree
from legis.timefmt import today
from legis.web.common import in_db, int_or_none, render_in_pool

CHART_ROWS = 20


def _params(request: Request) -> dict:
    q = request.query_params
    raw_year = q.get("year", "")
    return {"year": None if raw_year == "all" else (int_or_none(raw_year) or today().year),
            "district": q.get("district", "")[:100], "station": int_or_none(q.get("station")),
            "sort": q.get("sort", "adopted") if q.get("sort") in ledger.SORT_KEYS else "adopted"}


def _rows(session: Session, request: Request, p: dict):
    tree = load_tree(session)
    user = request.scope["user"]
    ids = ledger.in_scope(tree, district=p["district"], station_id=p["station"], allowed=user.points)
    return tree, ledger.ledger(session, year=p["year"], point_ids=ids, sort=p["sort"], tree=tree)


async def ledger_page(request: Request) -> Response:
    p = _params(request)

    def load(session: Session):
        tree, rows = _rows(session, request, p)
        return {"rows": rows, "years": ledger.years(session), **p,
                "districts": sorted({x.district for x in tree.points.values() if x.district}),
                "stations": sorted((pid, x.name) for pid, x in tree.points.items() if x.kind == "站"),
                "sort_keys": ledger.SORT_KEYS}

    context = await in_db(request, load)
    chart = context["rows"][:CHART_ROWS]
    context["chart"] = chart
    context["chart_max"] = max([r.opinions for r in chart] + [1])
    context["query"] = request.url.query
    context["link"] = request.url_for("manage_ledger_point", point_id=0).path[:-1]   # once, not per row
    return await render_in_pool(request, "manage/ledger.html", context)


async def ledger_export(request: Request) -> Response:
    p = _params(request)
    rows = await in_db(request, lambda s: _rows(s, request, p)[1])
    body = ledger.ledger_xlsx(rows, year=p["year"])
    filename = f"{p['year'] or '历年'}年联系点台账.xlsx"
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=\"ledger.xlsx\"; "
                                                    f"filename*=UTF-8''{quote(filename)}"})


async def point_page(request: Request) -> Response:
    point_id = request.path_params["point_id"]
    p = _params(request)

    def load(session: Session):
        tree = load_tree(session)
        if point_id not in tree.points:
            raise NotFound("没有找到这个联系点。")
        total, lines = ledger.point_record(session, point_id=point_id, year=p["year"])
        return {"point": tree.points[point_id], "total": total, "lines": lines,
                "years": ledger.years(session), **p}

    return await render_in_pool(request, "manage/ledger_point.html", await in_db(request, load))
