"""Parse-time figures for legis.parsing on the draft corpus, a 1,260-article code and PDFs.

Run: .venv/bin/python benchmarks/parse.py [--runs N]
Baselines measured in the same run: decoding every file's bytes to text (python-docx
loading the package for .docx), a bare str.splitlines over the synthetic code, and
pdfminer.six's own layout pass (extract_pages) for the PDFs of ../drafts-pdf. Then how
many PDFs, and texts pdftotext copies out of them, come out exactly as their source.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx

from legis.numerals import article_label, int_to_cn
from legis.parsing import parse_bytes, parse_text
from legis.parsing.decode import decode_text, file_kind
from legis.parsing.pagination import clean_copied_text

TARGET_CODE_S = 0.3
TARGET_CORPUS_S = 5.0


def corpus_dir() -> Path:
    configured = os.environ.get("LEGIS_CORPUS_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "corpus" / "drafts"


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_code(corpus: dict[str, bytes], articles: int = 1260) -> str:
    """A 1,260-article code: corpus articles renumbered 第一条…第一千二百六十条 under 编/章/节."""
    pool = []
    for name, data in corpus.items():
        if name.endswith(".txt"):
            pool.extend(parse_bytes(data, name).articles)
    lines = ["中华人民共和国示例法典（草案）", "（2026年1月1日 示例会议通过）"]
    book = chapter = 0
    for n in range(1, articles + 1):
        if (n - 1) % 210 == 0:
            book += 1
            lines.append(f"第{int_to_cn(book)}编　示例编")
        if (n - 1) % 30 == 0:
            chapter += 1
            lines.append(f"第{int_to_cn(chapter)}章　示　例　章")
        if (n - 1) % 10 == 0:
            lines.append(f"第{int_to_cn((n - 1) // 10 % 3 + 1)}节　示例节")
        source = pool[(n * 7) % len(pool)]
        lines.append(f"　　{article_label(n)}　{source.paragraphs[0] if source.paragraphs else '内容。'}")
        lines.extend(f"　　{p}" for p in source.paragraphs[1:])
    return "\n".join(lines) + "\n"


def as_docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decode_only(data: bytes) -> None:
    if file_kind(data) == "docx":
        docx.Document(io.BytesIO(data))
    else:
        decode_text(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="best of N runs (default 5)")
    args = parser.parse_args()
    directory = corpus_dir()
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    corpus = {e["file"]: (directory / e["file"]).read_bytes() for e in manifest}
    counts = {e["file"]: len(e["articles"]) for e in manifest}

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, parse_s: float, base_s: float, target: str = "") -> None:
        rows.append((name, f"{parse_s * 1000:.1f} ms", f"{base_s * 1000:.1f} ms",
                     f"{parse_s / base_s:.1f}×" + (f" ({target})" if target else "")))

    for name in sorted(counts, key=counts.get, reverse=True)[:3]:
        data = corpus[name]
        row(f"{name} ({counts[name]} 条)",
            best(lambda data=data, name=name: parse_bytes(data, name), args.runs),
            best(lambda data=data: decode_only(data), args.runs))

    code = synthetic_code(corpus)
    code_bytes = code.encode("utf-8")
    code_docx = as_docx(code)
    assert len(parse_text(code).articles) == 1260
    code_s = best(lambda: parse_bytes(code_bytes, "code.txt"), args.runs)
    row("1,260 条 code, UTF-8 text", code_s, best(lambda: code.splitlines(), args.runs),
        f"target < {TARGET_CODE_S} s: {'OK' if code_s < TARGET_CODE_S else 'MISSED'}; "
        "baseline = str.splitlines")
    row("1,260 条 code: page-furniture and wrap check alone", best(
        lambda: clean_copied_text(code), args.runs), code_s,
        "baseline = the whole text parse; the share plain drafts pay for PDF-copy handling")
    docx_s = best(lambda: parse_bytes(code_docx, "code.docx"), args.runs)
    row("1,260 条 code, .docx", docx_s, best(lambda: decode_only(code_docx), args.runs),
        "baseline = python-docx load")

    def parse_all() -> None:
        for name, data in corpus.items():
            parse_bytes(data, name)

    def decode_all() -> None:
        for data in corpus.values():
            decode_only(data)

    all_s = best(parse_all, args.runs)
    row(f"whole corpus ({len(corpus)} files, {sum(counts.values())} 条)", all_s,
        best(decode_all, args.runs),
        f"target < {TARGET_CORPUS_S} s: {'OK' if all_s < TARGET_CORPUS_S else 'MISSED'}")

    print(f"best of {args.runs} runs; baseline = decoding the bytes (python-docx load for .docx) "
          "unless noted\n")
    print("| input | parse | baseline | ratio |")
    print("|---|---:|---:|---|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    pdf_dir = directory.parent / "drafts-pdf"
    if (pdf_dir / "manifest.json").is_file():
        pdfs(pdf_dir, manifest, directory, args.runs)


def pdfs(pdf_dir: Path, manifest: list, directory: Path, runs: int) -> None:
    """PDF parse time against pdfminer's layout pass alone; exactness of PDFs and their copies."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    entries = json.loads((pdf_dir / "manifest.json").read_text(encoding="utf-8"))
    data = {e["file"]: (pdf_dir / e["file"]).read_bytes() for e in entries}
    pages = {name: sum(1 for _ in extract_pages(io.BytesIO(b))) for name, b in data.items()}

    def layout_only(b: bytes) -> None:
        for _ in extract_pages(io.BytesIO(b), laparams=LAParams()):
            pass

    print("\n| PDF | pages | 条 | parse | pdfminer layout alone | ratio | per page |")
    print("|---|---:|---:|---:|---:|---|---:|")
    total = base_total = 0.0
    for e in entries:
        b = data[e["file"]]
        parse_s = best(lambda b=b: parse_bytes(b, "x.pdf"), runs)
        base_s = best(lambda b=b: layout_only(b), runs)
        total += parse_s
        base_total += base_s
        print(f"| {e['file']} | {pages[e['file']]} | {len(e['articles'])} | {parse_s * 1000:.0f} ms "
              f"| {base_s * 1000:.0f} ms | {parse_s / base_s:.2f}× "
              f"| {parse_s * 1000 / pages[e['file']]:.1f} ms |")
    print(f"| all {len(entries)} | {sum(pages.values())} | "
          f"{sum(len(e['articles']) for e in entries)} | {total:.2f} s | {base_total:.2f} s "
          f"| {total / base_total:.2f}× | {total * 1000 / sum(pages.values()):.1f} ms |")

    sources = {e["source"]: e["file"] for e in manifest if e["format"] == "txt"}
    kinds = {"PDF": lambda e: parse_bytes(data[e["file"]], e["file"])}
    if shutil.which("pdftotext"):
        kinds["pdftotext copy"] = lambda e: parse_text(subprocess.run(
            ["pdftotext", str(pdf_dir / e["file"]), "-"], capture_output=True, text=True,
            check=True).stdout)
    print("\n| input | files exact | titles | articles (number, order) | articles with every 款/项 |")
    print("|---|---:|---:|---:|---:|")
    for kind, parse in kinds.items():
        files = titles = arts = arts_total = paras = 0
        for e in entries:
            parsed = parse(e)
            source = parse_bytes((directory / sources[e["source"]]).read_bytes(), "src.txt")
            same_title = parsed.title == e["title"]
            same_arts = [[a.number, a.sub] for a in parsed.articles] == e["articles"]
            same = [len(a.paragraphs) == len(b.paragraphs)
                    for a, b in zip(parsed.articles, source.articles, strict=False)]
            titles += same_title
            arts += same_arts
            arts_total += len(source.articles)
            paras += sum(same)
            files += same_title and same_arts and all(same) and len(same) == len(source.articles)
        n = len(entries)
        print(f"| {kind} | {files}/{n} | {titles}/{n} | {arts}/{n} | {paras}/{arts_total} |")


if __name__ == "__main__":
    main()
