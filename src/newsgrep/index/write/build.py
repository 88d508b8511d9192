"""Incremental builds: which files to read, learning boilerplate, rebuilds, removing files."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from newsgrep.errors import UsageError
from newsgrep.index.query.schema import analysis_settings
from newsgrep.index.store import boilerplate as boilerplate_store
from newsgrep.index.store import durable
from newsgrep.index.store import shards as shard_store
from newsgrep.index.store.catalog import FileRecord, open_catalog
from newsgrep.index.store.location import rebuild_dir
from newsgrep.index.store.lock import exclusive
from newsgrep.index.store.opening import check_current, exists
from newsgrep.index.write import parallel, pipeline
from newsgrep.index.write.session import WriteSession
from newsgrep.ingest.files import FoundFile, Walk, walk
from newsgrep.models import IndexReport, Progress, SilentProgress
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings


def reading_options(field_map: dict[str, str]) -> str:
    """Describe the options that change what a file's articles are (--map), for the catalog."""
    import json

    return json.dumps(sorted(field_map.items())) if field_map else ""


def _plan(session: WriteSession, roots: Sequence[Path], include: Sequence[str],
          exclude: Sequence[str], no_ignore: bool = False
          ) -> tuple[list[FoundFile], dict[str, FileRecord], list[str], dict[str, FileRecord]]:
    """Decide which files to read (new, changed, read with other options, or read in part by a
    run that was stopped) and which are gone, root by root."""
    report = session.report
    to_read: list[FoundFile] = []
    previous: dict[str, FileRecord] = {}
    gone: list[str] = []
    resume: dict[str, FileRecord] = {}
    seen: set[str] = set()
    for root in roots:
        found: Walk = walk(root, include, exclude, no_ignore)
        for suffix, n in found.other_types.items():
            report.other_types[suffix] = report.other_types.get(suffix, 0) + n
        report.not_articles.extend(found.not_articles)
        report.excluded += found.excluded
        report.skipped.extend(found.problems)
        known = session.catalog.files_under(str(root))
        for f in found.files:
            key = str(f.path)
            if key in seen:
                continue
            seen.add(key)
            rec = known.pop(key, None)
            if rec is not None and rec.mtime_ns == f.mtime_ns and rec.size == f.size \
                    and rec.options == session.options:
                if not rec.partial:
                    report.unchanged += 1
                    continue
                resume[key] = rec  # read on from where the stopped run committed
            elif rec is not None:
                previous[key] = rec
            to_read.append(f)
        gone.extend(p for p in known if p not in seen and not os.path.exists(p))
    return to_read, previous, gone, resume


def _index_into(index_dir: Path, roots: Sequence[Path], *, jobs: int, field_map: dict[str, str],
                include: Sequence[str], exclude: Sequence[str], progress: Progress,
                report: IndexReport, keep_boilerplate: bool | None = None, no_ignore: bool = False,
                analysis: AnalysisSettings = DEFAULT_ANALYSIS, shards: int | None = None,
                runner: parallel.Runner | None = None) -> None:
    if shards:
        shard_store.create(index_dir, shards)
    session = WriteSession(index_dir, progress, report, analysis, shards)
    session.options = reading_options(field_map)
    try:
        to_read, previous, gone, resume = _plan(session, roots, include, exclude, no_ignore)
        learned = boilerplate_store.learn(session.catalog, to_read, previous, gone, keep_boilerplate,
                                          jobs)
        to_read, previous = learned.to_read, learned.previous
        report.unchanged -= min(report.unchanged, learned.recleaned)  # they are updated instead
        progress.start(len(to_read), sum(f.size for f in to_read))
        if runner is not None:
            parallel.apply_parallel(session, to_read, field_map, jobs, previous, gone,
                                    session.commit_bytes, runner, resume)
        else:
            pipeline.index_files(session, to_read, field_map, jobs, previous, gone, resume)
        learned.finish(session.catalog)
        from newsgrep.index.write.vocab import build_missing  # the segments' vocabulary files
        build_missing(index_dir)
    finally:
        session.close()


@exclusive
def build_index(paths: Sequence[Path], index_dir: Path, *, jobs: int | None = None,
                rebuild: bool = False, field_map: dict[str, str] | None = None,
                include: Sequence[str] = (), exclude: Sequence[str] = (),
                progress: Progress | None = None, keep_boilerplate: bool | None = None,
                no_ignore: bool = False, analysis: AnalysisSettings = DEFAULT_ANALYSIS,
                shards: int | None = None, runner: parallel.Runner | None = None) -> IndexReport:
    """Index files and folders incrementally; rebuild when asked or when settings changed.

    ``shards``: make a new index a sharded one (when it is created, or rebuilt). ``runner``:
    where the reading and writing run (by default, worker processes of this machine).
    """
    started = time.perf_counter()
    progress = progress or SilentProgress()
    report = IndexReport()
    jobs = max(1, jobs or os.cpu_count() or 1)
    roots = list(dict.fromkeys(paths))
    outdated = False
    keep = keep_boilerplate
    existing = shard_store.shard_count(index_dir)
    if exists(index_dir):
        if shards and existing != shards and not rebuild:
            what = "an ordinary index" if not existing else \
                f"an index of {existing} shard{'s' if existing > 1 else ''}"
            raise UsageError(f"{index_dir} is {what}; --shards is given when an index is created, "
                             f"or with --rebuild (which makes it anew with {shards})")
        if not (rebuild and shards):
            shards = existing
        catalog = open_catalog(index_dir)
        try:
            outdated = catalog.get("settings") != analysis_settings(analysis)
            keep = boilerplate_store.remembered(catalog, keep_boilerplate)
            if outdated:
                for old in catalog.roots():
                    if Path(old).exists() and Path(old) not in roots:
                        roots.append(Path(old))
        finally:
            catalog.close()

    def run(into: Path) -> None:
        _index_into(into, roots, jobs=jobs, field_map=dict(field_map or {}), include=include,
                    exclude=exclude, progress=progress, report=report, keep_boilerplate=keep,
                    no_ignore=no_ignore, analysis=analysis, shards=shards, runner=runner)

    if (rebuild or outdated) and index_dir.exists():
        if outdated:
            progress.message(f"the index at {index_dir} was built with other settings: rebuilding it")
        fresh = rebuild_dir(index_dir)
        durable.rmtree(fresh)
        run(fresh)
        durable.swap_in(fresh, index_dir)
        report.rebuilt = True
    else:
        run(index_dir)
    report.seconds = time.perf_counter() - started
    return report


@exclusive
def remove_paths(paths: Sequence[Path], index_dir: Path) -> IndexReport:
    """Drop the articles of files, or of every file below folders, from the index. A path is
    taken in any spelling (links and .. resolved); one with no indexed articles is an error."""
    started = time.perf_counter()
    report = IndexReport()
    if not exists(index_dir):
        check_current(index_dir, analysis_settings())  # raises the missing-index error
    session = WriteSession(index_dir, SilentProgress(), report, shards=shard_store.shard_count(index_dir))
    try:
        gone: dict[str, FileRecord] = {}
        for p in paths:
            found: dict[str, FileRecord] = {}
            for spelling in dict.fromkeys((os.path.realpath(p), str(p))):
                found.update(session.catalog.files_under(spelling))
            if not found:
                raise UsageError(f"nothing indexed at {p}: no article of the index was read from it")
            gone.update(found)
        session.drop_files(list(gone))
        report.articles = sum(rec.articles for rec in gone.values())
        session.commit()
        boilerplate_store.forget(session.catalog, list(gone))
    finally:
        session.close()
    report.seconds = time.perf_counter() - started
    return report
