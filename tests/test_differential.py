"""The engine against a brute-force evaluator, on random queries of every operator (Hypothesis),
over the real sample corpus (the seed and 171 Wikinews articles): both must find the same
articles. Every mismatch is a bug in one of them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import Reference

from conftest import SAMPLE
from newsgrep import api
from newsgrep.errors import QueryError
from newsgrep.index.query.parse import parse
from newsgrep.index.search.searcher import Searcher

_WORD = re.compile(r"[^\W\d_]{3,}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reference, list[str], list[str]]:
    """The sample corpus indexed, its articles for the reference, and words and phrases from it."""
    ix = tmp_path_factory.mktemp("diff") / "ix"
    report = api.build_index([str(SAMPLE)], str(ix), jobs=1)
    assert report.ok and report.articles == 172
    articles = list(api.export(None, str(ix)))
    rng = random.Random(13)
    words: list[str] = []
    phrases: list[str] = []
    for a in articles:
        found = _WORD.findall(a.title + " " + a.body)
        words.extend(rng.sample(found, min(6, len(found))))
        tokens = a.body.split()
        if len(tokens) > 4:
            i = rng.randrange(len(tokens) - 3)
            phrases.append(" ".join(tokens[i:i + rng.randint(2, 3)]).replace('"', ""))
    words += ["the", "of", "Idlib", "Syria's", "12,000", "COVID-19", "al-Assad", "Erdoğan", "zzqx"]
    return ix, Reference(articles), sorted(set(words)), sorted(set(phrases))


def _edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + rng.choice("aeioubcdr") + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1:]


@st.composite
def queries(draw: st.DrawFn, words: list[str], phrases: list[str]) -> str:
    """A random query of the language: words, phrases, wildcards, fuzzy words, fields, dates,
    AND/OR/NOT, -/+ and parentheses."""
    rng = random.Random(draw(st.integers(0, 2**32)))

    plain = [w for w in words if w.isalpha()]  # what a wildcard or fuzzy word is made of

    def atom(depth: int) -> str:
        kind = rng.choice(["word"] * 4 + ["phrase", "slop", "prefix", "suffix", "single", "fuzzy",
                                          "field", "date", "group" if depth < 2 else "word"])
        w = rng.choice(plain if kind in ("prefix", "suffix", "single", "fuzzy") else words)
        if kind == "phrase":
            return f'"{rng.choice(phrases)}"'
        if kind == "slop":
            return f'"{rng.choice(phrases)}"~{rng.randint(1, 4)}'
        if kind == "prefix":
            return w[: rng.randint(2, max(2, len(w) - 1))] + "*"
        if kind == "suffix":
            return "*" + w[-rng.randint(2, max(2, len(w) - 1)):]
        if kind == "single":
            i = rng.randrange(len(w))
            return w[:i] + "?" + w[i + 1:]
        if kind == "fuzzy":
            return _edit(w, rng).replace("~", "") + rng.choice(["~", "~1", "~2"])
        if kind == "field":
            value = w if rng.random() < 0.7 else f'"{rng.choice(phrases)}"'
            return rng.choice(["title:", "body:", "source:"]) + value
        if kind == "date":
            m = rng.randint(1, 12)
            return rng.choice([f"date:2019-{m:02d}", f"date:>2019-{m:02d}", f"date:<=2019-{m:02d}",
                               f"date:[2019-{m:02d} to 2019-12-15]", f"date:[to 2019-{m:02d}]",
                               f"date:2019-{m:02d}-{rng.randint(1, 28):02d}", "date:2019"])
        if kind == "group":
            return "(" + expr(depth + 1) + ")"
        return w

    def clause(depth: int) -> str:
        prefix = rng.choice(["", "", "", "-", "+", "NOT "])
        return prefix + atom(depth)

    def expr(depth: int) -> str:
        parts = [clause(depth)]
        for _ in range(rng.randint(0, 3)):
            parts.append(rng.choice([" ", " ", " AND ", " OR "]))
            parts.append(clause(depth))
        return "".join(parts)

    return expr(0)


def _check(world: tuple[Path, Reference, list[str], list[str]], text: str, any_terms: bool) -> None:
    ix, ref, _, _ = world
    try:
        node = parse(text, any_terms)
    except QueryError as exc:
        raise AssertionError(f"the generator wrote a query the parser refuses: {text!r}: {exc}") from exc
    expected = ref.matches(node)
    with Searcher(ix) as s:
        try:
            bound = s.bind(text, any_terms)
        except QueryError as exc:
            assert "no searchable words" in str(exc) and expected is None, text  # both agree
            return
        ids = s.column("id")
        got = {ids[d] for d in s.scores(bound)}
    assert expected is not None, text
    assert got == expected, (text, sorted(got ^ expected)[:5])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), any_terms=st.booleans())
def test_engine_and_reference_agree(world: tuple[Path, Reference, list[str], list[str]],
                                    data: st.DataObject, any_terms: bool) -> None:
    _, _, words, phrases = world
    _check(world, data.draw(queries(words, phrases)), any_terms)


@pytest.mark.parametrize("text", [
    "Idlib", "Idlib -Russia", "Idlib NOT Russia", "negotiat*", "*stan", "Yukoss~", "Turky~",
    '"Russian attacks"', '"bank of England"', '"attacks Russian"~2', "title:Idlib", "source:seed",
    "date:2019-12", "date:[2019-12-01 to 2019-12-24]", "date:>2019-11", "date:<2019-02",
    "-Idlib", "NOT (Syria OR Turkey)", "(Syria OR Turkey) AND -Russia", "+Syria Turkey",
    "organi?ation*", "al-Assad", "Syria's", "12,000",
])
@pytest.mark.parametrize("any_terms", [False, True])
def test_engine_and_reference_agree_on_the_documented_forms(
        world: tuple[Path, Reference, list[str], list[str]], text: str, any_terms: bool) -> None:
    _check(world, text, any_terms)
