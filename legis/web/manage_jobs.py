"""Background jobs (merging, large exports): progress as JSON, a page to wait on, the file."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legis.errors import Conflict, Forbidden, Gone
from legis.services import jobs, reports
from legis.web.auth import may_see_personal_data
from legis.web.common import attachment, in_db, render


async def _job(request: Request):
    return await in_db(request, lambda s: jobs.get(s, job_id=request.path_params["job_id"]))


async def job_status(request: Request) -> Response:
    job = await _job(request)
    return JSONResponse({"id": job.id, "status": job.status, "progress": job.progress,
                         "message": job.message, "result": job.result})


async def job_page(request: Request) -> Response:
    return render(request, "manage/job.html", {"job": await _job(request)})


async def job_download(request: Request) -> Response:
    job = await _job(request)
    result = job.result or {}
    if job.status != "done" or "file" not in result:
        raise Conflict("文件尚未生成完毕，请稍候。")
    if result.get("internal") and not may_see_personal_data(request):
        raise Forbidden("内部版本含个人信息，只有法工委工作人员可以下载。")
    data = await in_db(request, lambda s: jobs.file_of(s, job_id=job.id))
    if data is None:
        raise Gone("文件已被清理（生成后保留24小时），请重新导出。")
    return Response(data, media_type=reports.FORMATS[result["format"]][0],
                    headers=attachment(result["filename"], "report"))
