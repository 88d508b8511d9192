"""README.md says what the command line does: its usage blocks list exactly each command's
--help options, and every `newsgrep ...` example in it runs as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from conftest import REPO
from newsgrep.cli import cli, main

README = (REPO / "README.md").read_text(encoding="utf-8")
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)")
_ALWAYS = {"-h", "--help"}  # every command's; not listed in the blocks


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end >= 0 else len(text)]


def usage_blocks() -> dict[str, set[str]]:
    """Collect each usage block under "## Commands": ``newsgrep CMD ... [--x]`` and its indented
    continuation lines; return the options each command's block names (the group's under "")."""
    blocks: dict[str, set[str]] = {}
    current: str | None = None
    for line in _section(README, "## Commands").splitlines():
        m = re.match(r"^    newsgrep (?:(\w+) )?.*\[-", line)
        if m:
            current = m[1] or ""
            blocks.setdefault(current, set())
        elif current is not None and re.match(r"^ {10,}\[", line):
            pass
        else:
            current = None
            continue
        blocks[current] |= set(_OPTION.findall(line.split("#")[0]))
    return blocks


def help_options(command: click.Command) -> set[str]:
    """Return the options a command's --help lists."""
    return {o for p in command.params if isinstance(p, click.Option) and not p.hidden
            for o in (*p.opts, *p.secondary_opts)} - _ALWAYS


def test_every_command_has_a_usage_block() -> None:
    assert sorted(usage_blocks()) == sorted(["", *cli.commands])


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_a_commands_usage_block_lists_exactly_its_help_options(name: str) -> None:
    listed = usage_blocks()[name]
    offered = help_options(cli.commands[name])
    assert (sorted(offered - listed), sorted(listed - offered)) == ([], [])


def test_the_groups_usage_line_lists_its_options() -> None:
    assert usage_blocks()[""] == help_options(cli)


def examples() -> list[tuple[str, str | None]]:
    """Every `newsgrep ...` example of README.md: lines of its code blocks (not usage lines), and
    inline code of three words or more; each with the error line the README shows after it, if any."""
    found: list[tuple[str, str | None]] = []
    lines = README.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^    (?:\$ )?(newsgrep .*)$", line)
        if m and " [-" not in line and not line.startswith("    newsgrep [--"):
            after = lines[i + 1].strip() if i + 1 < len(lines) else ""
            found.append((m[1], after if line.startswith("    $ ") and after.startswith("newsgrep: error:") else None))
    for m in re.finditer(r"`(newsgrep [^`]+)`", README):
        if len(m[1].split()) >= 3:
            found.append((m[1], None))
    return found


def _command(example: str) -> list[str]:
    """Cut an example at its first pipe or redirection; return newsgrep's arguments."""
    words = shlex.split(example, comments=True)
    for stop in ("|", ">", "&&", ";"):
        if stop in words:
            words = words[:words.index(stop)]
    assert words[0] == "newsgrep"
    return words[1:]


def test_the_readme_has_examples_of_every_command() -> None:
    used = {_command(e)[0] for e, _ in examples() if not _command(e)[0].startswith("-")}
    assert used >= set(cli.commands) - {"collocates", "keywords"}


@pytest.mark.parametrize(("example", "error"), examples(), ids=[e.split(" #")[0].strip() for e, _ in examples()])
def test_a_readme_example_runs_as_written(example: str, error: str | None, sample_index: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each example parses; those that only read the index run on the sample corpus's index
    (--index pointed there) with no usage error, exit 0 or 1, or the very error the README shows."""
    from newsgrep import api

    args = _command(example)
    monkeypatch.setattr(api, "keep_cluster_clients", lambda seconds=None: None)  # --cluster: parse only
    try:
        with cli.make_context("newsgrep", list(args)) as ctx:
            rest = [*getattr(ctx, "_protected_args", []), *ctx.args]  # click 8.2+ keeps the command apart
            name, command, rest = cli.resolve_command(ctx, rest)
            assert command is not None and name == args[0]
            command.make_context(name, rest, parent=ctx).close()
    except click.exceptions.Exit as done:  # --version, --help
        assert done.exit_code == 0 and args[0].startswith("-")
        return
    if args[0] in ("index", "remove") or "--cluster" in args:
        return  # writes an index, or needs a Dask cluster: that it parses is what is checked
    if "--index" in args:
        args[args.index("--index") + 1] = str(sample_index)
    monkeypatch.setenv("NEWSGREP_INDEX", str(sample_index))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").symlink_to(REPO / "corpus")
    (tmp_path / "queries.tsv").write_text("q1\tIdlib\nq2\tRussia Putin\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(args)
    _, err = capsys.readouterr()
    if error is not None:
        assert (exit_.value.code, err.strip()) == (2, error)
    else:
        assert exit_.value.code in (0, 1) and "error" not in err, err
