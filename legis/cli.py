"""The `legis` command: the same services the web uses, from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from legis import logs
from legis.config import Settings
from legis.errors import LegisError, ValidationError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = fn
        return fn

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="legis",
        description="立法意见征集平台 legis: 导入草案、收集意见、归纳意见、导出报告。",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("parse", help="解析草案文件并打印结构（不写数据库）")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt/.md/.docx/.pdf 草案文件（PDF 须有文字层，扫描件请先 OCR）")
    p.add_argument("--format", choices=["json", "text"], default="text",
                   help="json: 每个文件一行 JSON；text: 便于阅读的提纲（默认）")

    p = sub.add_parser("import", help="导入草案到数据库")
    p.add_argument("file", metavar="FILE",
                   help=".txt/.md/.docx/.pdf 草案文件；同一文件或同名且条文相同的草案已存在时拒绝导入")
    p.add_argument("--title", help="草案标题（默认从文件识别）")
    p.add_argument("--slug", help="网址名（小写字母、数字、连字符；默认自动生成）")
    p.add_argument("--open", action="store_true", help="导入后立即开始征求意见")
    p.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="征求意见截止日期（与 --open 一起使用，默认30天后；不能早于今天）")

    sub.add_parser("init-db", help="创建或升级数据库表（同 migrate）")
    sub.add_parser("migrate", help="把数据库升级到当前版本的表结构")

    p = sub.add_parser("serve", help="启动网站")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="进程数（多进程请使用 PostgreSQL）")
    p.add_argument("--no-samples", action="store_true", help="空数据库时不导入示例草案")

    p = sub.add_parser("create-user", help="创建工作人员账户（打印一次性密码）")
    p.add_argument("username", nargs="?", default="admin", help="用户名（默认 admin）")
    p.add_argument("--role", choices=["admin", "staff", "host", "body"], required=True,
                   help="admin 系统管理员 / staff 法工委工作人员 / host 联络员 / body 承办单位")
    p.add_argument("--point", type=int, help="联络员所属联系点编号")
    p.add_argument("--body", default="", help="承办单位账户所属单位名称（如 市公安局）")
    p.add_argument("--name", default="", help="姓名")
    p.add_argument("--password-stdin", action="store_true",
                   help="从标准输入读取密码（默认生成一次性密码，首次登录须修改）")

    p = sub.add_parser("export", help="导出征求意见情况报告（docx）或意见表格（xlsx/csv）")
    p.add_argument("draft", metavar="DRAFT", help="草案编号或网址名")
    p.add_argument("--format", choices=["docx", "xlsx", "csv"], default="docx")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--kind", choices=["opinions", "comments", "comparison"], default="opinions",
                   help="表格内容：归纳意见（默认）或原始意见（xlsx/csv）；"
                        "comparison：修改前后对照表（docx）")
    p.add_argument("--contact-point", type=int, metavar="ID", help="只导出该联系点（及下级）的报送材料")
    p.add_argument("--internal", action="store_true",
                   help="内部版本：不遮盖姓名和电话（记入审计日志）")
    p.add_argument("--allow-unmerged", action="store_true",
                   help="仍有未归纳的意见时也导出（这些意见不在报告中）")
    p.add_argument("--ids", action="store_true", help="表格中加上数据库内部编号（xlsx/csv）")

    p = sub.add_parser("backup", help="把整个数据库备份为 JSON 行文件（SQLite 与 PostgreSQL 通用）")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("restore", help="把备份恢复到一个空数据库")
    p.add_argument("file", metavar="FILE")

    sub.add_parser("recount", help="从头重新统计各草案的意见数字（处理情况、归并概览所用；平时随每次修改自动更新）")

    p = sub.add_parser("dedupe", help="对 JSONL 意见文件做近似重复归并")
    p.add_argument("--input", required=True, metavar="comments.jsonl",
                   help='每行 {"id", "article", "text"}')
    p.add_argument("--output", required=True, metavar="groups.jsonl", help='每行 {"id", "group"}')
    p.add_argument("--threshold", type=float, default=None, help="相似度阈值 0-100")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure()
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except LegisError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `legis parse … | head`: the reader left; nothing is wrong.
        sys.stderr.close()
        return 0


@command("parse")
def cmd_parse(args: argparse.Namespace) -> int:
    from legis.parsing import parse_file, to_json

    status = 0
    for name in args.files:
        try:
            parsed = parse_file(Path(name))
        except LegisError as error:
            print(f"{name}: 错误：{error.message}", file=sys.stderr)
            status = 1
            continue
        if args.format == "json":
            print(json.dumps(to_json(parsed, file=name), ensure_ascii=False))
            continue
        print(f"== {name}: {parsed.title}（{len(parsed.articles)}条）")
        path: tuple[str, ...] = ()
        for article in parsed.articles:
            if tuple(article.path) != path:
                path = tuple(article.path)
                print("  " + " / ".join(path))
            caption = f"（{article.caption}）" if article.caption else ""
            print(f"    {article.label}{caption} {article.text[:40].replace(chr(10), ' ')}")
        for warning in parsed.warnings:
            print(f"  提示：{warning}")
    return status


def _engine(settings: Settings):
    """The configured database, migrated to the current schema."""
    from legis.db import make_engine
    from legis.migrate import upgrade

    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                         statement_timeout_ms=settings.db_statement_timeout_ms)
    try:
        upgrade(engine)
    except Exception as error:   # a wrong URL, a server that is down, no permission
        raise ValidationError(f"无法连接或升级数据库 {_safe_url(settings.database_url)}：{error}") from error
    return engine


@command("init-db")
@command("migrate")
def cmd_migrate(args: argparse.Namespace) -> int:
    from legis.migrate import current

    settings = Settings.from_env()
    engine = _engine(settings)
    print(f"数据库已是最新版本（{current(engine)}）：{_safe_url(settings.database_url)}")
    return 0


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from legis.db import session_scope
    from legis.parsing import parse_file
    from legis.services.drafts import import_draft
    from legis.services.duplicates import content_hash
    from legis.timefmt import today

    parsed = parse_file(Path(args.file))
    source_hash = content_hash(Path(args.file).read_bytes())
    settings = Settings.from_env()
    engine = _engine(settings)
    open_until = (args.until or today() + timedelta(days=30)) if args.open else None
    with session_scope(engine, write=True) as session:
        draft = import_draft(session, parsed=parsed, filename=args.file, title=args.title,
                             slug=args.slug, open_until=open_until, source_hash=source_hash,
                             max_articles=settings.max_articles)
    state = f"，征求意见至{open_until.isoformat()}" if open_until else "（草稿，未公开）"
    print(f"已导入《{draft.title}》：{len(parsed.articles)}条，网址名 {draft.slug}{state}")
    for warning in parsed.warnings:
        print(f"提示：{warning}")
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    if args.no_samples:
        os.environ["LEGIS_LOAD_SAMPLES"] = "0"
    # Read by each worker's Settings: with several workers, rate limits are counted in the database.
    os.environ["LEGIS_WORKERS"] = str(args.workers)
    settings = Settings.from_env()
    engine = _engine(settings)
    settings.ensure_secret_key(engine)   # made once here, before the workers read it
    if settings.load_samples:
        from legis.db import session_scope
        from legis.resources import resource_dir
        from legis.services.samples import load_samples

        with session_scope(engine, write=True) as session:
            loaded = load_samples(session, directory=resource_dir("drafts"))
        if loaded.loaded:
            print("已导入示例草案：" + "、".join(loaded.loaded)
                  + f"，以及示例联系点、座谈会和{loaded.comments}条示例意见")
    password = ensure_first_admin(engine)
    if password:
        print("=" * 60)
        print("已创建第一个系统管理员账户（只显示这一次）：")
        print("  用户名：admin")
        print(f"  一次性密码：{password}")
        print(f"  登录地址：http://{args.host}:{args.port}/login （首次登录须修改密码）")
        print("=" * 60, flush=True)
    print(f"legis 正在运行：http://{args.host}:{args.port}/ （数据库 {_safe_url(settings.database_url)}）")
    uvicorn.run("legis.web.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=settings.trust_proxy, log_level="info",
                access_log=settings.access_log)
    return 0


@command("create-user")
def cmd_create_user(args: argparse.Namespace) -> int:
    from legis.db import session_scope
    from legis.services.accounts import create_user
    from legis.services.referrals import body_named

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    engine = _engine(Settings.from_env())
    with session_scope(engine, write=True) as session:
        body = body_named(session, name=args.body).id if args.role == "body" and args.body else None
        user, one_time = create_user(session, username=args.username, role=args.role,
                                     password=password, display_name=args.name,
                                     contact_point_id=args.point, body_id=body, actor="cli")
    print(f"已创建用户 {user.username}（{user.role}）。")
    if one_time:
        print(f"一次性密码：{one_time}")
        print("请妥善转交本人；首次登录后须修改密码。此密码不会再次显示。")
    return 0


def ensure_first_admin(engine) -> str | None:
    """On a database with no accounts, create 'admin' and return its one-time password."""
    from legis.db import session_scope
    from legis.services.accounts import create_user, has_users

    with session_scope(engine, write=True) as session:
        if has_users(session):
            return None
        _user, password = create_user(session, username="admin", role="admin", actor="setup")
        return password


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    import gc

    # A large export makes millions of objects, most of them alive until the file is
    # written: at the default thresholds the collector rescans them hundreds of times
    # (a fifth of the CPU at 100,000 comments). Reference counting frees them as before;
    # reference cycles are still collected, less often. The process ends with the export.
    gc.set_threshold(50_000, 20, 100)
    from legis.db import session_scope
    from legis.services import report_checks, report_texts, reports
    from legis.services.audit import record
    from legis.services.drafts import get_draft

    if args.kind == "comparison" and args.format != "docx":
        raise LegisError("修改前后对照表只有 docx 格式：请用 --format docx --kind comparison。")
    settings = Settings.from_env()
    engine = _engine(settings)
    with session_scope(engine, write=args.internal) as session:
        key = args.draft
        draft = get_draft(session, draft_id=int(key)) if key.isdigit() else get_draft(session, slug=key)
        data, views = reports.build_for_export(
            session, draft_id=draft.id, office=settings.office,
            contact_point_id=args.contact_point, internal=args.internal, engine=engine,
            fmt=args.format)
        checks = report_checks.export_checks(
            session, data=data, stale_sections=[v.title for v in views if v.stale])
        if args.internal:
            import getpass

            record(session, actor=f"cli:{getpass.getuser()}", action="export.internal",
                   target_type="draft", target_id=draft.id, draft_id=draft.id,
                   after={"format": args.format, "kind": args.kind,
                          "contact_point": args.contact_point})
    for check in checks:
        print(f"注意：{check.message}", file=sys.stderr)
    blocking = [c for c in checks if c.blocking]
    if blocking and not args.allow_unmerged:
        print("错误：仍有未归纳的意见，未导出。请先归纳；确需导出请加 --allow-unmerged。",
              file=sys.stderr)
        return 1
    body = reports.render(data, fmt=args.format, kind=args.kind,
                          sections=report_texts.final_sections(views), ids=args.ids)
    output = Path(args.output)
    temporary = output.with_name(output.name + ".partial")
    temporary.write_bytes(body)
    temporary.replace(output)
    print(f"已导出 {output}（{len(data.opinions)}条归纳意见，{data.comments}条意见）")
    return 0


@command("backup")
def cmd_backup(args: argparse.Namespace) -> int:
    from legis.services.backup import backup_file

    settings = Settings.from_env()
    counts = backup_file(_engine(settings), Path(args.file))
    print(f"已备份 {sum(counts.values())} 行（{len(counts)} 张表）到 {args.file}")
    return 0


@command("restore")
def cmd_restore(args: argparse.Namespace) -> int:
    from legis.db import make_engine
    from legis.services.backup import restore_file

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    counts = restore_file(engine, Path(args.file))
    print(f"已恢复 {sum(counts.values())} 行到 {_safe_url(settings.database_url)}")
    return 0


@command("recount")
def cmd_recount(args: argparse.Namespace) -> int:
    from legis.services import figure_counts

    settings = Settings.from_env()
    with _engine(settings).begin() as connection:
        drafts = figure_counts.rebuild_all(connection)
    print(f"已重新统计 {drafts} 部草案的意见数字")
    return 0


@command("dedupe")
def cmd_dedupe(args: argparse.Namespace) -> int:
    from legis.matching import DEFAULT_THRESHOLD, dedupe_jsonl

    stats = dedupe_jsonl(
        Path(args.input), Path(args.output),
        threshold=args.threshold if args.threshold is not None else DEFAULT_THRESHOLD,
        progress=None if args.quiet else sys.stderr,
    )
    print(json.dumps(stats, ensure_ascii=False), file=sys.stderr)
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


if __name__ == "__main__":
    sys.exit(main())
