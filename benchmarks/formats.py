"""Export and agency formats: articles read per sample folder, share dated, reading speed, and flat
memory on large synthetic files made by repeating the real samples.

    python benchmarks/formats.py                # all of it, writes benchmarks/RESULTS.md
    python benchmarks/formats.py --scale 0.1    # smaller synthetic files (a quick look)
    python benchmarks/formats.py --no-write     # print only

Counts expected are the SOURCE.md counts that tests/test_formats.py asserts. The synthetic files
are written under $TMPDIR (never in the repository) and removed afterwards. Memory: each large file
is read in a fresh process, at a quarter and at the full size; the peak RSS of the process (the
interpreter, lxml, dateparser and trafilatura included) stays the same when reading streams.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- formats:start -->", "<!-- formats:end -->"
FAST_ENOUGH = 300_000  # folders at least this large get a reading speed

sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]


def _samples() -> list[tuple[str, str, int, tuple[int, ...]]]:
    from test_formats import NO_ARTICLE, SAMPLES, TITLE_ONLY  # the counts SOURCE.md states

    extra = [(f, n, 0, ()) for f, n in NO_ARTICLE] + [(f, n, 1, ()) for f, n in TITLE_ONLY]
    return [*SAMPLES, *extra]


def _read(path: Path, kind: str | None = None) -> tuple[int, int, int, float]:
    """Read a file: (articles, dated, with a publication, seconds)."""
    from newsgrep.ingest.readers import kind_of, read_articles
    from newsgrep.ingest.readers.base import FileContext

    kind = kind or kind_of(path)
    assert kind is not None, path
    ctx = FileContext(path, f"b/{path.name}", kind)
    t = time.perf_counter()
    arts = [a for a in read_articles(ctx) if a.title or a.body]
    secs = time.perf_counter() - t
    return len(arts), sum(1 for a in arts if a.date), sum(1 for a in arts if a.source), secs


def _as_txt(path: Path, tmp: Path) -> int:
    """Read a sample under a .txt name (its format told by content alone): the articles read."""
    import shutil

    folder = tmp / path.parent.name
    folder.mkdir(exist_ok=True)
    renamed = folder / (path.name.split(".")[0] + ".txt")
    shutil.copyfile(path, renamed)
    return _read(renamed)[0]


def sample_table(corpora: Path) -> list[dict[str, object]]:
    """Read every sample file (under its own name and under a .txt name); one row per folder."""
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="newsgrep-astxt-") as tmp:
        for folder, name, count, _ in _samples():
            path = corpora / "formats" / folder / name
            got, dated, sourced, secs = _read(path)
            r = rows.setdefault(folder, {"files": 0, "expected": 0, "read": 0, "dated": 0, "sourced": 0,
                                         "as_txt": 0, "bytes": 0, "secs": 0.0})
            r["files"] += 1
            r["expected"] += count
            r["read"] += got
            r["dated"] += dated
            r["sourced"] += sourced
            r["as_txt"] += _as_txt(path, Path(tmp))
            r["bytes"] += path.stat().st_size
            r["secs"] += secs
    reuters = sorted((corpora / "reuters21578").glob("*.sgm.gz"))
    if reuters:
        r = rows.setdefault("reuters21578 (.sgm.gz)", {"files": 0, "expected": 21577, "read": 0, "dated": 0,
                                                       "sourced": 0, "bytes": 0, "secs": 0.0})
        for path in reuters:
            got, dated, sourced, secs = _read(path)
            r["files"] += 1
            r["read"] += got
            r["dated"] += dated
            r["sourced"] += sourced
            r["bytes"] += len(gzip.decompress(path.read_bytes()))
            r["secs"] += secs
    return [{"format": k, **v} for k, v in rows.items()]


# ---- large synthetic files ----

def _nexis_txt(src: Path, out: Path, size: int) -> None:
    text = src.read_text(encoding="utf-8")
    docs = text[text.index("1 of 4 DOCUMENTS") - 30:]
    with out.open("w", encoding="utf-8") as f:
        while f.tell() < size:
            f.write(docs)


def _factiva_html(src: Path, out: Path, size: int) -> None:
    page = src.read_text(encoding="utf-8")
    a = page.index('<div id="article-')
    b = page.rindex("</div></div>", 0, page.index('id="pageFooter"') if 'id="pageFooter"' in page else len(page))
    head, articles, tail = page[:a], page[a:b + 12], page[b + 12:]
    with out.open("w", encoding="utf-8") as f:
        f.write(head)
        while f.tell() < size:
            f.write(articles)
        f.write(tail)


def _factiva_xml(src: Path, out: Path, size: int) -> None:
    text = src.read_text(encoding="utf-8-sig")
    a, b = text.index("<ppsarticle>"), text.rindex("</ppsarticle>") + len("</ppsarticle>")
    with out.open("w", encoding="utf-8") as f:
        f.write(text[:a])
        while f.tell() < size:
            f.write(text[a:b])
        f.write(text[b:])


def _nexis_docx(src: Path, out: Path, size: int) -> None:
    """Repeat the documents of a DOCX download inside its word/document.xml (stored uncompressed
    in the zip, so that the file's size is the XML's)."""
    import zipfile

    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    a = xml.index(">", xml.index("<w:body")) + 1
    b = xml.rindex("<w:sectPr")
    head, docs, tail = xml[:a], xml[a:b], xml[b:]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            if name != "word/document.xml":
                z.writestr(name, data)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            written = 0
            while written < size:
                f.write(docs.encode())
                written += len(docs)
            f.write(tail.encode())


def _warc(src: Path, out: Path, size: int, every: int = 400) -> None:
    """Repeat the sample's records: one page in ``every`` keeps status 200 (the rest are turned
    into 404s, which the reader passes over), so the archive's size, not the HTML extraction,
    is what is measured."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages: list[tuple[str, bytes]] = []
    with src.open("rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                stream = rec.content_stream()
                body = b"".join(iter(lambda: stream.read(1 << 16), b""))  # noqa: B023 (read at once)
                pages.append((rec.rec_headers.get_header("WARC-Target-URI"), body))
    with out.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        i = 0
        while f.tell() < size:
            uri, body = pages[i % len(pages)]
            status = "200 OK" if i % every == 0 else "404 Not Found"
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=UTF-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"{uri}#{i}", "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
            i += 1


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
p = Path(sys.argv[1])
ctx = FileContext(p, "b/x", kind_of(p))
t = time.perf_counter()
n = sum(1 for a in read_articles(ctx))
secs = time.perf_counter() - t
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")]  # this process's own peak
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"articles": n, "secs": secs, "rss_mb": rss}))
"""


def _measure(path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env,
                         check=True)
    got: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    got["mb"] = path.stat().st_size / 1e6
    return got


def memory_rows(corpora: Path, scale: float) -> list[dict[str, object]]:
    """Make each large file at a quarter and at the full size, read both, report both."""
    fmt = corpora / "formats"
    jobs = [
        ("LexisNexis TXT", "download.txt", _nexis_txt, fmt / "lexisnexis-txt" / "amcat_test.txt", 100e6),
        ("Factiva HTML", "factiva.html", _factiva_html,
         fmt / "factiva-html" / "koheiw_irish-independence_1_2017-11-14.html", 150e6),
        ("Factiva XML", "factiva.xml", _factiva_xml, fmt / "factiva-xml" / "tmplugin_factiva_test.xml", 150e6),
        ("Nexis Uni DOCX", "download.docx", _nexis_docx, fmt / "nexisuni-docx" / "koheiw_guardian3.docx", 150e6),
        ("WARC (.warc.gz)", "crawl.warc.gz", _warc,
         fmt / "warc" / "webarticlecurator_next_page_of_article.warc.gz", 500e6),
    ]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="newsgrep-formats-") as tmp:
        for label, name, make, src, full in jobs:
            row: dict[str, object] = {"format": label}
            for key, size in (("quarter", full * scale / 4), ("full", full * scale)):
                path = Path(tmp) / name
                make(src, path, int(size))
                row[key] = _measure(path)
                path.unlink()
            rows.append(row)
            print(f"{label}: {row}", file=sys.stderr)
    return rows


def section(rows: list[dict[str, object]], mem: list[dict[str, object]], command: str,
            kept_memory: str = "") -> str:
    """Build the RESULTS.md section (with ``--no-memory``, the memory table of the last full run kept)."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0  # others' work slows the times
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"{platform.system()}, load average {load:.1f} at the end")
    lines = ["## Export and agency formats (readers)", "",
             f"`{command}` on {when} ({machine}).",
             "Every sample file of `../shared/corpora/formats/` read by `newsgrep.ingest.readers` (chosen by content, "
             "then by suffix); expected = the article counts of the SOURCE.md files (what tests/test_formats.py "
             "asserts); an empty record (no title, no text) is not counted. Dated, with publication: share of the "
             "articles read with a publication date, with a source. As .txt: the articles read when each file is "
             "renamed `.txt` (its format told by its content alone). Seconds: reading time in one process; MB/s "
             "for folders of 0.3 MB or more (WARC: dominated by the HTML extraction of each page; Reuters: "
             "uncompressed size).", "",
             "| format | files | expected | read | dated | with publication | as .txt | seconds | MB/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        speed = f"{r['bytes'] / r['secs'] / 1e6:.2f}" if float(r["bytes"]) >= FAST_ENOUGH else ""  # type: ignore[arg-type]
        read = max(1.0, float(r["read"]))  # type: ignore[arg-type]
        share = f"{100 * float(r['dated']) / read:.1f}%"  # type: ignore[arg-type]
        sourced = f"{100 * float(r['sourced']) / read:.1f}%"  # type: ignore[arg-type]
        as_txt = r.get("as_txt", "")
        lines.append(f"| {r['format']} | {r['files']} | {r['expected']} | {r['read']} | {share} | {sourced} "
                     f"| {as_txt} | {float(r['secs']):.2f} | {speed} |")  # type: ignore[arg-type]
    if not mem and kept_memory:
        lines += ["", kept_memory]
    if mem:
        lines += ["", "Flat memory: large files made by repeating the samples (under $TMPDIR), each read in a fresh "
                  "process at a quarter and at the full size; peak RSS of the whole process.", "",
                  "| file | size (MB) | articles | MB/s | peak RSS (MB) "
                  "| size (MB) | articles | MB/s | peak RSS (MB) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for m in mem:
            q, f = m["quarter"], m["full"]
            cells = []
            for x in (q, f):
                assert isinstance(x, dict)
                cells += [f"{x['mb']:.0f}", f"{x['articles']:,}", f"{x['mb'] / x['secs']:.2f}", f"{x['rss_mb']:.0f}"]
            lines.append(f"| {m['format']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _last_memory_table(path: Path = RESULTS) -> str:
    """The memory table of the formats section now in RESULTS.md, with the date of its run, or ''."""
    old = path.read_text(encoding="utf8")
    i, j = old.find(START), old.find(END)
    part = old[i:j] if 0 <= i < j else ""
    k = part.find("Flat memory:")
    if k < 0:
        return ""
    when = re.search(r"on (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", part)
    table = part[k:].strip()
    kept = table if table.startswith("Flat memory (") or not when else \
        table.replace("Flat memory:", f"Flat memory (kept from the run of {when[1]}):", 1)
    return kept


def write_results(text: str, path: Path = RESULTS) -> None:
    """Replace the formats section of RESULTS.md, leaving the others alone."""
    old = path.read_text(encoding="utf8")
    i, j = old.find(START), old.find(END)
    new = (old.rstrip("\n") + f"\n\n{START}\n{text}\n{END}\n" if i < 0 or j < i
           else old[:i + len(START)] + "\n" + text + "\n" + old[j:])
    path.write_text(new, encoding="utf8")


def main() -> int:
    """Run the benchmark, print the section and (unless told not to) write it."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, default=Path(os.environ.get("NEWSGREP_CORPORA",
                                                                       REPO.parent / "shared" / "corpora")))
    ap.add_argument("--scale", type=float, default=1.0, help="size of the synthetic files (1 = 100-500 MB)")
    ap.add_argument("--no-memory", action="store_true", help="skip the large synthetic files")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    rows = sample_table(args.corpora)
    mem = [] if args.no_memory else memory_rows(args.corpora, args.scale)
    command = "python " + " ".join(["benchmarks/formats.py", *sys.argv[1:]])
    text = section(rows, mem, re.sub(r"\s+", " ", command).strip(), _last_memory_table())
    print(text)
    if not args.no_write:
        write_results(text)
        print(f"wrote the formats section of {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
