"""What people and scripts see: ids they can open, --batch, --dedup in every format, -l -0,
--mentions, the pager, broken pipes, terminal layout, kwic alignment with CJK text."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, need_corpus, newsgrep, newsgrep_cmd, newsgrep_process, run_process
from newsgrep import api
from newsgrep.api import SearchOptions

# --- ids on screen, and show by id or by path ---------------------------------------------------

def test_every_hit_shows_an_id_that_show_opens(sample_index: Path) -> None:
    p = newsgrep("search", "Russia", "-n", "5", "--index", str(sample_index))
    metas = [line.strip() for line in p.out.splitlines() if line.startswith("     ") and " · " in line]
    assert len(metas) == 5
    for meta in metas:
        article_id = meta.split(" · ")[2]
        assert json.loads(newsgrep("show", article_id, "--index", str(sample_index), "--json").out)["id"] == article_id


def test_show_takes_a_file_path_in_any_spelling(sample_index: Path, tmp_path: Path) -> None:
    seed = SAMPLE / "seed" / "000_149819f5d793fd8c.txt"
    link = tmp_path / "seed-link.txt"
    os.symlink(seed, link)
    for spelling in (str(seed), str(link), str(SAMPLE / "seed" / ".." / "seed" / seed.name)):
        p = newsgrep("show", spelling, "--index", str(sample_index), "--json")
        assert json.loads(p.out)["title"].startswith("12,000 people flee Idlib")
    wiki = SAMPLE / "wikinews" / "wikinews_2019.csv"
    p = newsgrep("show", str(wiki), "--index", str(sample_index), status=2)
    assert "holds 171 articles; show one by its id" in p.err
    p = newsgrep("show", "no-such-id", "--index", str(sample_index), status=1)
    assert "no article with id or path" in p.err


# --- the pager, as git runs it -------------------------------------------------------------------

@pytest.mark.subprocess
def test_show_pages_with_less_frx_when_less_is_unset(sample_index: Path, tmp_path: Path) -> None:
    """In a terminal, show pipes the article into $NEWSGREP_PAGER with LESS=FRX (when LESS is unset)."""
    pytest.importorskip("pty")
    import pty

    seen = tmp_path / "seen.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f'#!/bin/sh\necho "LESS=$LESS" > {seen}\ncat >> {seen}\n')
    pager.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "LESS"}
    env["NEWSGREP_PAGER"] = str(pager)
    pid, fd = pty.fork()
    if pid == 0:  # the child runs newsgrep with a terminal as stdout
        os.execve(sys.executable, [sys.executable, "-m", "newsgrep", "show", "corpus/seed/000_149819f5d793fd8c.txt",
                                   "--index", str(sample_index), "--query", "Idlib"], env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    import re

    text = seen.read_text()
    assert "\x1b[" in text  # colour codes, which LESS=R(X) shows as colour
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert text.startswith("LESS=FRX\n") and "12,000 people flee Idlib" in text
    seen.unlink()
    p = newsgrep_process("show", "corpus/seed/000_149819f5d793fd8c.txt", "--index", str(sample_index), "--no-pager",
                         env={"NEWSGREP_PAGER": str(pager)}, cwd=SAMPLE.parent)
    assert "12,000 people flee Idlib" in p.out and not seen.exists()  # no pager


# --- --batch ------------------------------------------------------------------------------------

@pytest.mark.corpus
def test_batch_skips_comments_heads_each_query_and_exits_2_on_a_bad_one(reuters_index: Path,
                                                                        tmp_path: Path) -> None:
    batch = tmp_path / "queries.tsv"
    batch.write_text("# coffee and cocoa\nq1\tcoffee Brazil\n\n  # indented comment\nq2\tzzqxyzzy\n"
                     "q3\t(cocoa OR\nq4\tcocoa\n")
    p = newsgrep("search", "--batch", str(batch), "--index", str(reuters_index), "-n", "2", status=2)
    assert "newsgrep: query q3: OR has nothing after it (column 8)" in p.err
    heads = [line for line in p.out.splitlines() if line.startswith("== ")]
    assert heads == ["== q1: coffee Brazil", "== q2: zzqxyzzy", "== q4: cocoa"]
    q2 = p.out.split("== q2: zzqxyzzy\n")[1].split("== q4")[0]
    assert "(no matching article)" in q2
    counts = newsgrep("search", "--batch", str(batch), "--index", str(reuters_index), "-c", status=2)
    rows = [line.split("\t") for line in counts.out.splitlines()]
    assert [r[0] for r in rows] == ["q1", "q2", "q4"] and rows[1][1] == "0"
    assert int(rows[0][1]) == api.count("coffee Brazil", str(reuters_index))
    ok = tmp_path / "ok.tsv"
    ok.write_text("a\tcoffee\nb\tzzqxyzzy\n")
    assert newsgrep("search", "--batch", str(ok), "--index", str(reuters_index), "--json").json()


# --- --dedup in every format ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def reprints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three reprints of a real BBC story (other headlines, a dropped paragraph) beside BBC business."""
    bbc = need_corpus("bbc")
    d = tmp_path_factory.mktemp("dedup") / "news"
    shutil.copytree(bbc / "business", d / "business")
    text = (bbc / "business" / "010.txt").read_text(encoding="utf-8", errors="replace")
    title, _, body = text.partition("\n")
    paras = [p for p in body.split("\n\n") if p.strip()]
    for k, head in enumerate(["Reprint one", "Reprint two", "Reprint three"]):
        kept = paras[:] if k != 2 else paras[:-1]
        (d / f"wire-2004-1{k}-01.txt").write_text(f"{head}: {title}\n\n" + "\n\n".join(kept), encoding="utf-8")
    ix = d.parent / "ix"
    assert api.build_index([str(d)], str(ix)).ok
    return ix


@pytest.mark.corpus
def test_dedup_is_visible_in_text_json_and_csv(reprints: Path) -> None:
    query = "Reprint"
    hits = list(api.search(query, str(reprints), SearchOptions(dedup=True, limit=None)).hits)
    grouped = [h for h in hits if h.duplicates]
    assert grouped and grouped[0].id.startswith("news/wire-") and len(hits) < 3
    text = newsgrep("search", query, "--dedup", "--index", str(reprints))
    assert any("near-duplicate" in line and all(d in line for d in grouped[0].duplicates or ())
               for line in text.out.splitlines())
    js = newsgrep("search", query, "--dedup", "--json", "--index", str(reprints)).json()
    assert any(sorted(r["duplicates"]) == sorted(grouped[0].duplicates or ()) for r in js)
    rows = list(csv.reader(io.StringIO(newsgrep("search", query, "--dedup", "--csv", "--index", str(reprints)).out)))
    assert rows[0][-1] == "duplicates"
    assert any(set(r[-1].split(";")) == set(grouped[0].duplicates or ()) for r in rows[1:])
    assert int(newsgrep("search", query, "--dedup", "-c", "--index", str(reprints)).out) == len(hits)


# --- -l -0, --mentions, broken pipes --------------------------------------------------------------

@pytest.mark.corpus
def test_files_with_matches_and_null(bbc_index: Path) -> None:
    lines = newsgrep("search", "Yukos", "-l", "--index", str(bbc_index)).out.splitlines()
    nul = newsgrep("search", "Yukos", "-l", "-0", "--index", str(bbc_index)).out
    assert nul.endswith("\0") and nul.split("\0")[:-1] == lines and len(lines) == api.count("Yukos", str(bbc_index))
    newsgrep("search", "Yukos", "-l", "-c", "--index", str(bbc_index), status=2)  # they exclude each other


@pytest.mark.corpus
def test_mentions_count_what_kwic_lists(reuters_index: Path) -> None:
    ix = str(reuters_index)
    kwic = newsgrep("kwic", "coffee", "--json", "--index", ix).out.splitlines()
    mentions = int(newsgrep("search", "coffee", "-c", "--mentions", "--index", ix).out)
    assert mentions == len(kwic) > api.count("coffee", ix)
    tl = newsgrep("timeline", "coffee", "--mentions", "--json", "--index", ix)
    rows = tl.json()
    undated = int(tl.err.split()[1].replace(",", "")) if "undated" in tl.err else 0
    assert sum(r["count"] for r in rows) + undated == mentions


@pytest.mark.corpus
@pytest.mark.subprocess
def test_a_broken_pipe_exits_0(bbc_index: Path) -> None:
    # under pipefail the pipeline's status is newsgrep's own: 0 when head stops reading, nothing on stderr
    p = run_process(" ".join(newsgrep_cmd("search", "said", "-n", "0", "--index", str(bbc_index))) + " | head -1",
                    timeout=300)
    assert p.out.count("\n") == 1 and p.err == ""


# --- terminal layout -----------------------------------------------------------------------------

def test_wrapped_snippets_keep_their_indent_and_words(sample_index: Path) -> None:
    p = newsgrep("search", "Idlib", "--color", "always", "-n", "1", "--index", str(sample_index),
                 env={"COLUMNS": "60"})
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m", "", p.out)
    lines = [line for line in plain.splitlines() if line.strip()]
    assert all(len(line) <= 60 for line in lines)
    assert all(line.startswith("     ") for line in lines[1:])  # under the rank and title
    words = set(re.findall(r"\w+", api.search("Idlib", str(sample_index)).hits.__next__().snippets[0].text))
    assert all(w in words for line in lines[2:4] for w in re.findall(r"\w+", line))  # no word cut


@pytest.mark.corpus
def test_kwic_aligns_cjk_by_display_width(tmp_path: Path) -> None:
    from newsgrep.render.research import display_width

    pages = need_corpus("html", "article-extraction-benchmark", "html")
    d = tmp_path / "ko"
    d.mkdir()
    for name in ("0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2",
                 "9da36ae4714bfccc72374c6c146e9d1cd3cca39e2110bd67ccdbcc806f4cf139"):
        shutil.copy(pages / f"{name}.html.gz", d / f"{name}.html.gz")
    ix = str(tmp_path / "ix")
    assert api.build_index([str(d)], ix).ok
    p = newsgrep("kwic", "MBC OR SNS", "--width", "20", "--index", ix)
    lines = p.out.splitlines()
    assert len(lines) >= 3 and any(c > "\u1100" for c in p.out)
    starts = set()
    for line in lines:
        for word in ("MBC", "SNS"):
            at = line.find(word, 40)
            if at >= 0:
                starts.add(display_width(line[:at]))
                break
    assert len(starts) == 1  # every keyword starts in the same terminal column


class _Screen(io.StringIO):
    """A stream that says it is a terminal, for layout decisions."""

    def isatty(self) -> bool:
        return True


def test_kwic_on_a_terminal_keeps_the_keyword_on_screen_and_ids_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids are what show takes, so they are never cut: on a terminal too narrow for a saved page's
    64-hex file name beside the context, each id heads its lines (as ripgrep --heading) and the
    keyword stays on screen; when they fit, and off a terminal, every line carries its id."""
    from newsgrep.models import KwicLine
    from newsgrep.render.output import Output
    from newsgrep.render.research import display_width, kwic_lines

    kid = "ko/9da36ae4714bfccc72374c6c146e9d1cd3cca39e2110bd67ccdbcc806f4cf139.html.gz"
    rows = [KwicLine(id=kid, date="2018-09-28", left="주말 밤 9시 " * 5, match="MBC", right=" 와 SBS는 막장극의" * 5),
            KwicLine(id=kid, date="2018-09-28", left="사진= ", match="MBC", right=", SBS"),
            KwicLine(id="short.txt#2", date=None, left="news from ", match="MBC", right=" today")]
    for columns, width in ((110, 24), (60, 40), (30, 40)):
        monkeypatch.setenv("COLUMNS", str(columns))
        screen = _Screen()
        kwic_lines(rows, width, Output(screen, color="never"))
        lines = screen.getvalue().splitlines()
        assert lines[0] == kid and lines[3] == "short.txt#2", lines
        body = [lines[1], lines[2], lines[4]]
        assert all("MBC" in line and display_width(line) <= columns for line in body), lines
        assert body[2].startswith("undated")
        assert len({display_width(line[:line.index("MBC")]) for line in body}) == 1
    monkeypatch.setenv("COLUMNS", "200")
    screen = _Screen()
    kwic_lines(rows, 24, Output(screen, color="never"))
    wide = screen.getvalue().splitlines()
    assert len(wide) == 3 and wide[0].startswith(kid + "  2018-09-28  ") and wide[2].startswith("short.txt#2 ")
    pipe = io.StringIO()
    kwic_lines(rows, 24, Output(pipe, color="never"))
    assert pipe.getvalue().startswith(kid + "  2018-09-28  ")
