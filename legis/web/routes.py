"""Every URL of legis in one place, and who may open each management page."""

from __future__ import annotations

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from legis.resources import resource_dir
from legis.web import (
    auth,
    manage_corrections,
    manage_dispositions,
    manage_drafts,
    manage_feedback,
    manage_ledger,
    manage_network,
    manage_opinions,
    manage_points,
    manage_referrals,
    manage_report,
    manage_sessions,
    manage_users,
    manage_versions,
    public,
)
from legis.web.auth import ADMIN, ALL_STAFF, BODY, EVERYONE, OFFICE

# Roles per management route. Hosts (联络员) get sessions and comments, limited
# further inside the handlers to their own contact points; legislative staff
# get drafts, merging, dispositions and reports; admins get everything. A
# route missing here stops the app from starting (see auth.guard). A 承办单位
# (body) user sees only the referrals made to their body.
RULES = {
    # drafts
    "manage_index": EVERYONE,
    "manage_import": OFFICE,
    "manage_draft": OFFICE,
    "manage_draft_update": OFFICE,
    "manage_draft_withdraw": OFFICE,
    "manage_draft_delete": OFFICE,
    "manage_comments": ALL_STAFF,
    # contact points
    "manage_points": ALL_STAFF,
    "manage_point_create": ADMIN,
    "manage_points_template": ADMIN,
    "manage_points_import": ADMIN,
    "manage_points_import_confirm": ADMIN,
    "manage_point": ADMIN,
    "manage_point_update": ADMIN,
    # sessions and paper comments
    **dict.fromkeys([
        "manage_sessions", "manage_session_create", "manage_session_new",
        "manage_sessions_template", "manage_session", "manage_session_update",
        "manage_session_qr", "manage_session_qr_svg", "manage_session_entry",
        "manage_session_entry_submit", "manage_session_entry_undo",
        "manage_session_entry_article", "manage_session_import",
        "manage_session_import_preview", "manage_session_import_confirm",
        "manage_session_export", "comment_correct", "comment_correct_post", "comment_withdraw",
        "manage_import_withdraw",
    ], ALL_STAFF),
    # merging and review
    **dict.fromkeys([
        "manage_opinions", "manage_merge", "manage_review", "manage_review_action",
        "manage_job", "opinion_text",
        "opinion_split", "opinion_merge", "comment_move", "comment_exclude",
    ], OFFICE),
    # dispositions and reports
    **dict.fromkeys([
        "disposition_set", "disposition_bulk", "manage_dispositions", "manage_chart",
        "manage_publish", "manage_export", "manage_reasons", "manage_reason_save",
        "manage_job_page", "manage_job_download",
        "manage_report", "manage_report_letterhead", "manage_report_section",
    ], OFFICE),
    # a contact point's own submission: its host (scope checked on point_id) and staff
    "manage_point_submission": ALL_STAFF,
    # draft versions and revisions
    **dict.fromkeys([
        "manage_versions", "manage_version_import", "manage_version_review",
        "manage_version_confirm", "manage_version_changes", "manage_version_compare",
        "manage_version_link", "manage_version_table",
    ], OFFICE),
    # the network: reporting up (hosts within their subtree; the office reviews what
    # reports to it), feedback down, the tracking table and the 台账
    **dict.fromkeys([
        "manage_network", "manage_submission", "submission_cover", "submission_item",
        "submission_regroup", "submission_submit", "submission_review", "submission_version",
        "manage_feedback", "manage_feedback_docx", "manage_ledger", "manage_ledger_export",
        "manage_ledger_point",
    ], ALL_STAFF),
    **dict.fromkeys(["manage_tracking", "manage_points_deadline", "manage_report_level",
                     "manage_referral_create", "manage_referral_reason"], OFFICE),
    # referrals: a body's user sees and answers only their own (checked in the service)
    **dict.fromkeys(["manage_referrals", "manage_referral", "manage_referral_answer"],
                    OFFICE | BODY),
    # accounts
    **dict.fromkeys(["manage_users", "manage_user_create", "manage_user_update",
                     "manage_user_reset", "manage_audit"], ADMIN),
    "account_password": EVERYONE,
    "account_password_post": EVERYONE,
}

MANAGE_ROUTES = [
    *manage_drafts.routes,
    *manage_points.routes,
    *manage_sessions.routes,
    *manage_corrections.routes,
    *manage_opinions.routes,
    *manage_dispositions.routes,
    *manage_report.routes,
    *manage_users.routes,
    *manage_versions.routes,
    *manage_network.routes,
    *manage_feedback.routes,
    *manage_referrals.routes,
    *manage_ledger.routes,
]

routes = [
    *public.routes,
    *auth.routes,
    *auth.guard(auth.account_routes, RULES),
    Mount("/manage", routes=auth.guard(MANAGE_ROUTES, RULES)),
    Mount("/static", app=StaticFiles(directory=str(resource_dir("static"))), name="static"),
]
