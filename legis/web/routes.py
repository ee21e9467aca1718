"""Every URL of legis: its path, handler, name and who may open it, side by side.

Roles: PUBLIC (anyone, residents), ALL_STAFF (admin, legislative staff, contact-point
hosts; a host is further limited to their own contact points, see auth.require),
OFFICE (admin and legislative staff), ADMIN, BODY (a 承办单位's users: only the
referrals made to their body, checked in the service) and EVERYONE (all of these). A route must name its roles: one without
them stops the app from starting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from legis.resources import resource_dir
from legis.web import auth, public, reading
from legis.web import manage_corrections as corrections
from legis.web import manage_dispositions as dispositions
from legis.web import manage_drafts as drafts
from legis.web import manage_feedback as feedback
from legis.web import manage_jobs as jobs
from legis.web import manage_ledger as ledger
from legis.web import manage_meetings as meetings
from legis.web import manage_network as network
from legis.web import manage_opinions as opinions
from legis.web import manage_points as points
from legis.web import manage_referrals as referrals
from legis.web import manage_report as report
from legis.web import manage_users as users
from legis.web import manage_versions as versions
from legis.web.auth import ADMIN, ALL_STAFF, BODY, EVERYONE, OFFICE, PUBLIC, ROLES

GET, POST = ("GET",), ("POST",)


def route(path: str, endpoint: Callable, name: str, roles: frozenset[str],
          methods: Sequence[str] = GET) -> Route:
    """A route whose handler runs only for ``roles`` (PUBLIC: for everyone)."""
    if roles != PUBLIC and (not roles or not roles <= ROLES):
        raise RuntimeError(f"route {name!r} ({path}) names no valid roles: {sorted(roles)}")
    if roles != PUBLIC:
        endpoint = auth.require(roles, endpoint)
    return Route(path, endpoint, methods=list(methods), name=name)


M = "/manage"
DRAFT = f"{M}/drafts/{{draft_id:int}}"
MEETING = f"{M}/meetings/{{meeting_id:int}}"
SUBMISSION = f"{DRAFT}/submissions/{{point_id:int}}"

routes: list[BaseRoute] = [
    # residents
    route("/", public.home, "home", PUBLIC),
    route("/drafts/{slug}", public.draft_page, "draft", PUBLIC),
    route("/drafts/{slug}/part/{part:int}", public.draft_page, "draft_part", PUBLIC),
    route("/drafts/{slug}/search", reading.search, "draft_search", PUBLIC),
    route("/drafts/{slug}/download.{kind}", reading.download, "draft_download", PUBLIC),
    route("/drafts/{slug}/mine", reading.own_comments, "own_comments", PUBLIC),
    route("/drafts/{slug}/comment", public.comment_form_page, "comment_form", PUBLIC),
    route("/drafts/{slug}/comments", public.submit_comment, "submit_comment", PUBLIC, POST),
    route("/drafts/{slug}/feedback", public.feedback_wall, "feedback_wall", PUBLIC),
    route("/s/{token}", public.meeting_page, "meeting_entry", PUBLIC),
    route("/r", public.receipt_lookup, "receipt_lookup", PUBLIC),
    route("/r/{code}", public.receipt, "receipt", PUBLIC),
    route("/prefs/text-size", public.text_size, "text_size", PUBLIC, POST),
    route("/healthz", public.health, "health", PUBLIC),
    # signing in
    route("/login", auth.login_page, "login", PUBLIC),
    route("/login", auth.login, "login_post", PUBLIC, POST),
    route("/logout", auth.logout, "logout", PUBLIC, POST),
    route("/account/password", auth.password_page, "account_password", EVERYONE),
    route("/account/password", auth.change_password, "account_password_post", EVERYONE, POST),
    # drafts
    route(f"{M}/", drafts.index, "manage_index", EVERYONE),
    route(f"{M}/drafts/import", drafts.import_draft, "manage_import", OFFICE, POST),
    route(DRAFT, drafts.draft_detail, "manage_draft", OFFICE),
    route(DRAFT, drafts.update_draft, "manage_draft_update", OFFICE, POST),
    route(f"{DRAFT}/comments", drafts.comments, "manage_comments", ALL_STAFF),
    route(f"{DRAFT}/withdraw", drafts.withdraw_draft, "manage_draft_withdraw", OFFICE, POST),
    route(f"{DRAFT}/delete", drafts.delete_draft, "manage_draft_delete", OFFICE, POST),
    # contact points
    route(f"{M}/points", points.points_index, "manage_points", ALL_STAFF),
    route(f"{M}/points", points.create_point, "manage_point_create", ADMIN, POST),
    route(f"{M}/points/template.csv", points.point_template, "manage_points_template", ADMIN),
    route(f"{M}/points/import", points.import_preview, "manage_points_import", ADMIN, POST),
    route(f"{M}/points/import/confirm", points.import_confirm,
          "manage_points_import_confirm", ADMIN, POST),
    route(f"{M}/points/{{point_id:int}}", points.edit_point, "manage_point", ADMIN),
    route(f"{M}/points/{{point_id:int}}", points.update_point, "manage_point_update", ADMIN, POST),
    # meetings (座谈会) and paper comments
    # Pages bookmarked before the rename (/manage/sessions/…) move to /manage/meetings/….
    route(f"{M}/sessions", meetings.old_address, "manage_sessions_old", ALL_STAFF),
    route(f"{M}/sessions/{{rest:path}}", meetings.old_address, "manage_sessions_old_page", ALL_STAFF),
    route(f"{M}/meetings", meetings.meetings_index, "manage_meetings", ALL_STAFF),
    route(f"{M}/meetings", meetings.create_meeting, "manage_meeting_create", ALL_STAFF, POST),
    route(f"{M}/meetings/new", meetings.new_meeting, "manage_meeting_new", ALL_STAFF),
    route(f"{M}/meetings/import-template.xlsx", meetings.import_template,
          "manage_meetings_template", ALL_STAFF),
    route(MEETING, meetings.meeting_page, "manage_meeting", ALL_STAFF),
    route(MEETING, meetings.update_meeting, "manage_meeting_update", ALL_STAFF, POST),
    route(f"{MEETING}/qr", meetings.qr_page, "manage_meeting_qr", ALL_STAFF),
    route(f"{MEETING}/qr.svg", meetings.qr_svg, "manage_meeting_qr_svg", ALL_STAFF),
    route(f"{MEETING}/entry", meetings.entry_form, "manage_meeting_entry", ALL_STAFF),
    route(f"{MEETING}/entry", meetings.entry_submit,
          "manage_meeting_entry_submit", ALL_STAFF, POST),
    route(f"{MEETING}/entry/undo", meetings.entry_undo,
          "manage_meeting_entry_undo", ALL_STAFF, POST),
    route(f"{MEETING}/entry/article", meetings.entry_article,
          "manage_meeting_entry_article", ALL_STAFF),
    route(f"{MEETING}/import", meetings.import_page, "manage_meeting_import", ALL_STAFF),
    route(f"{MEETING}/import", meetings.import_preview,
          "manage_meeting_import_preview", ALL_STAFF, POST),
    route(f"{MEETING}/import/confirm", meetings.import_confirm,
          "manage_meeting_import_confirm", ALL_STAFF, POST),
    route(f"{MEETING}/export.xlsx", meetings.export_xlsx, "manage_meeting_export", ALL_STAFF),
    # corrections of entered comments (by their host or staff, while still undecided)
    route(f"{M}/comments/{{comment_id:int}}/correct", corrections.correct_page,
          "comment_correct", ALL_STAFF),
    route(f"{M}/comments/{{comment_id:int}}/correct", corrections.correct,
          "comment_correct_post", ALL_STAFF, POST),
    route(f"{M}/comments/{{comment_id:int}}/withdraw", corrections.withdraw,
          "comment_withdraw", ALL_STAFF, POST),
    route(f"{MEETING}/imports/{{import_id:int}}/withdraw", corrections.withdraw_import,
          "manage_import_withdraw", ALL_STAFF, POST),
    # merging comments into opinions, and review
    route(f"{DRAFT}/opinions", opinions.overview, "manage_opinions", OFFICE),
    route(f"{DRAFT}/merge", opinions.start_merge, "manage_merge", OFFICE, POST),
    route(f"{DRAFT}/opinions/{{article}}", opinions.review, "manage_review", OFFICE),
    route(f"{DRAFT}/opinions/{{article}}", opinions.review_action, "manage_review_action", OFFICE,
          POST),
    route(f"{M}/opinions/{{opinion_id:int}}/text", opinions.edit_opinion,
          "opinion_text", OFFICE, POST),
    route(f"{M}/opinions/{{opinion_id:int}}/split", opinions.split_opinion,
          "opinion_split", OFFICE, POST),
    route(f"{M}/opinions/{{opinion_id:int}}/merge", opinions.merge_opinion,
          "opinion_merge", OFFICE, POST),
    route(f"{M}/comments/{{comment_id:int}}/move", opinions.move_comment,
          "comment_move", OFFICE, POST),
    route(f"{M}/comments/{{comment_id:int}}/exclude", opinions.exclude_comment,
          "comment_exclude", OFFICE, POST),
    # background jobs
    route(f"{M}/jobs/{{job_id:int}}", jobs.job_status, "manage_job", OFFICE),
    route(f"{M}/jobs/{{job_id:int}}/view", jobs.job_page, "manage_job_page", OFFICE),
    route(f"{M}/jobs/{{job_id:int}}/download", jobs.job_download, "manage_job_download", OFFICE),
    # dispositions and reports
    route(f"{M}/opinions/{{opinion_id:int}}/disposition", dispositions.set_disposition,
          "disposition_set", OFFICE, POST),
    route(f"{DRAFT}/dispositions/bulk", dispositions.bulk, "disposition_bulk", OFFICE, POST),
    route(f"{DRAFT}/dispositions", dispositions.overview, "manage_dispositions", OFFICE),
    route(f"{DRAFT}/charts/{{name:str}}.svg", dispositions.chart, "manage_chart", OFFICE),
    route(f"{DRAFT}/publish", dispositions.publish, "manage_publish", OFFICE, POST),
    route(f"{DRAFT}/export", dispositions.export, "manage_export", OFFICE),
    route(f"{M}/reasons", dispositions.reasons_page, "manage_reasons", OFFICE),
    route(f"{M}/reasons", dispositions.save_reason, "manage_reason_save", OFFICE, POST),
    # the report: its sections and letterhead, staff's text kept between exports
    route(f"{DRAFT}/report", report.report_page, "manage_report", OFFICE),
    route(f"{DRAFT}/report/letterhead", report.save_letterhead, "manage_report_letterhead",
          OFFICE, POST),
    route(f"{DRAFT}/report/sections/{{key:str}}", report.save_section, "manage_report_section",
          OFFICE, POST),
    # a contact point's own submission: its host (scope checked on point_id) and staff
    route(f"{M}/points/{{point_id:int}}/drafts/{{draft_id:int}}/submission.docx",
          report.point_submission, "manage_point_submission", ALL_STAFF),
    # draft versions and revisions
    route(f"{DRAFT}/versions", versions.versions_page, "manage_versions", OFFICE),
    route(f"{DRAFT}/versions/import", versions.import_version,
          "manage_version_import", OFFICE, POST),
    route(f"{DRAFT}/versions/review/{{pending_id:str}}", versions.review_page,
          "manage_version_review", OFFICE),
    route(f"{DRAFT}/versions/review/{{pending_id:str}}", versions.confirm_mapping,
          "manage_version_confirm", OFFICE, POST),
    route(f"{DRAFT}/versions/{{version_id:int}}/changes", versions.changes_page,
          "manage_version_changes", OFFICE),
    route(f"{DRAFT}/compare/{{article_id:int}}", versions.compare_page,
          "manage_version_compare", OFFICE),
    route(f"{DRAFT}/versions/opinions/{{opinion_id:int}}", versions.link_opinion,
          "manage_version_link", OFFICE, POST),
    route(f"{DRAFT}/versions/comparison.docx", versions.download_table,
          "manage_version_table", OFFICE),
    # the network: reporting up (hosts within their subtree; the office reviews what
    # reports to it), feedback down, the tracking table and the 台账
    route(f"{M}/network", network.network_index, "manage_network", ALL_STAFF),
    route(f"{DRAFT}/tracking", network.tracking_page, "manage_tracking", OFFICE),
    route(f"{DRAFT}/points-deadline", network.set_deadline, "manage_points_deadline", OFFICE,
          POST),
    route(SUBMISSION, network.submission_page, "manage_submission", ALL_STAFF),
    route(f"{SUBMISSION}/cover", network.save_cover, "submission_cover", ALL_STAFF, POST),
    route(f"{SUBMISSION}/items/{{item_id:int}}", network.annotate_item, "submission_item",
          ALL_STAFF, POST),
    route(f"{SUBMISSION}/regroup", network.regroup, "submission_regroup", ALL_STAFF, POST),
    route(f"{SUBMISSION}/submit", network.submit, "submission_submit", ALL_STAFF, POST),
    route(f"{SUBMISSION}/review", network.review, "submission_review", ALL_STAFF, POST),
    route(f"{SUBMISSION}/versions/{{number:int}}.docx", network.version_document,
          "submission_version", ALL_STAFF),
    route(f"{M}/points/{{point_id:int}}/report-level", network.set_level, "manage_report_level",
          OFFICE, POST),
    route(f"{DRAFT}/feedback/{{point_id:int}}", feedback.feedback_page, "manage_feedback",
          ALL_STAFF),
    route(f"{DRAFT}/feedback/{{point_id:int}}/docx", feedback.feedback_document,
          "manage_feedback_docx", ALL_STAFF),
    route(f"{M}/ledger", ledger.ledger_page, "manage_ledger", ALL_STAFF),
    route(f"{M}/ledger/export.xlsx", ledger.ledger_export, "manage_ledger_export", ALL_STAFF),
    route(f"{M}/ledger/points/{{point_id:int}}", ledger.point_page, "manage_ledger_point",
          ALL_STAFF),
    # referrals (交办): a body's user sees and answers only their own (checked in the service)
    route(f"{M}/referrals", referrals.lists_page, "manage_referrals", OFFICE | BODY),
    route(f"{DRAFT}/referrals", referrals.create_referral, "manage_referral_create", OFFICE,
          POST),
    route(f"{M}/referrals/{{referral_id:int}}", referrals.referral_page, "manage_referral",
          OFFICE | BODY),
    route(f"{M}/referrals/{{referral_id:int}}/answer", referrals.answer_referral,
          "manage_referral_answer", OFFICE | BODY, POST),
    route(f"{M}/referrals/{{referral_id:int}}/reason", referrals.answer_as_reason,
          "manage_referral_reason", OFFICE, POST),
    # accounts and the audit log
    route(f"{M}/users", users.users_page, "manage_users", ADMIN),
    route(f"{M}/users", users.create_user, "manage_user_create", ADMIN, POST),
    route(f"{M}/users/{{user_id:int}}", users.update_user, "manage_user_update", ADMIN, POST),
    route(f"{M}/users/{{user_id:int}}/reset", users.reset_password,
          "manage_user_reset", ADMIN, POST),
    route(f"{M}/audit", users.audit_page, "manage_audit", ADMIN),
    # files
    Mount("/static", app=StaticFiles(directory=str(resource_dir("static"))), name="static"),
]
