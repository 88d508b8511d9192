"""--variants: one name in the spellings news gives it, not another name that looks alike."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.text.names import NameIndex, distance, keys, same_name, vowels_agree

# Spellings of one name met in real news (benchmarks/variants.py lists where) or named in the issue.
GROUPS = [
    ["gaddafi", "qaddafi", "gadhafi", "kadafi", "khadafy", "qadhafi"],
    ["mohammed", "mohammad", "mohamed", "muhammad"],
    ["hussein", "husayn", "hussain", "hossein", "hossain", "husain", "husein", "hoseyn"],
    ["zelensky", "zelenskyy", "zelenskiy", "selenskyj"],
    ["mahmoud", "mahmud", "mahmood"],
    ["yuganskneftegaz", "yuganskneftegas"],
    ["maarat", "maaret", "maarrat", "ma'arrat", "maʿarrat"],
    ["numan", "numaan", "nu'man", "nuʿmān"],
    ["abdullah", "abdulla", "abdallah"],
    ["osama", "usama"],
    ["tehran", "teheran"],
    ["kiev", "kyiv", "kiew"],
    ["shevchenko", "schewtschenko", "chevtchenko"],
    ["gorbachev", "gorbatschow", "gorbatchev"],
    ["khodorkovsky", "chodorkowski", "khodorkovski"],
    ["yeltsin", "jelzin"],
    ["jihad", "dschihad"],
    ["sergei", "sergey", "sergej"],
    ["chernobyl", "tschernobyl"],
    ["sulaymaniyah", "sulaimaniyah", "sulaimaniya"],
]

# Look-alike names, each met in the corpora, that are not one name.
APART = [("mahmoud", "mohammed"), ("mahmoud", "muhammad"), ("hosni", "hussein"), ("hosni", "hossein"),
         ("bashar", "bashir"), ("hamid", "hamad"), ("khamenei", "khomeini"), ("hassan", "hussein"),
         ("abbas", "abbasi"), ("hamid", "hamida"), ("coal", "goal")]


@pytest.mark.parametrize("group", GROUPS, ids=[g[0] for g in GROUPS])
def test_spellings_of_one_name_match(group: list[str]) -> None:
    for a in group:
        for b in group:
            assert same_name(a, b), (a, b, distance(a, b))


@pytest.mark.parametrize(("a", "b"), APART)
def test_look_alike_names_stay_apart(a: str, b: str) -> None:
    assert not same_name(a, b) and not same_name(b, a)


def test_the_vowel_pattern_keeps_same_consonants_apart() -> None:
    assert keys("Hosni") == keys("Hussein") and not vowels_agree("Hosni", "Hussein")
    assert keys("Mahmoud") == keys("Mohammed") and not vowels_agree("Mahmoud", "Mohammed")
    assert vowels_agree("Maaret", "Maarat") and vowels_agree("Hossein", "Hussein")


def test_a_unit_with_two_readings_is_filed_under_both() -> None:
    assert sorted(keys("Chodorkowski")) == ["KDRKFSK", "SDRKFSK"]  # ch: German kh or English tsh
    assert set(keys("Khodorkovsky")) & set(keys("Chodorkowski"))
    assert set(keys("jihad")) & set(keys("dschihad")) and set(keys("Jelzin")) & set(keys("Yeltsin"))


def test_glued_article_is_optional() -> None:
    assert same_name("ElBaradei", "Baradei") and same_name("alqaeda", "qaeda")
    assert same_name("Aljazeera", "Jazeera") and same_name("alshabaab", "shabaab")


def test_a_word_that_merely_starts_with_al_is_not_a_glued_article() -> None:
    assert not same_name("Albania", "Bania") and distance("Albania", "Bania") == float("inf")
    assert not same_name("Algeria", "Geria")
    ix = NameIndex.of(["albania", "bania", "elbaradei", "baradei"])
    assert ix.variants("Bania") == ["bania"] and ix.variants("Albania") == ["albania"]
    assert ix.variants("Baradei") == ["baradei", "elbaradei"]


def test_name_index_finds_groups_not_look_alikes() -> None:
    words = {w for g in GROUPS for w in g} | {w for p in APART for w in p} | {"marratinnuman", "market", "moore"}
    ix = NameIndex.of(sorted(words))
    for group in GROUPS:
        folded = {w.replace("'", "").replace("ʿ", "").replace("ā", "a") for w in group}
        for w in group:
            assert set(ix.variants(w)) >= folded - {"maʿarrat"}, w
    for a, b in APART:
        assert b not in ix.variants(a) and a not in ix.variants(b)
    assert ix.variants("Mohammed") == ["mohamed", "mohammad", "mohammed", "muhammad"]
    assert ix.joined(["Maarat", "Numan"]) == ["marratinnuman"]
    assert ix.joined(["Maarat", "Moore"]) == []
    glued = NameIndex.of(["newark", "newyork", "abudhabi", "alqaeda"])
    assert "newark" not in glued.joined(["New", "York"]) and glued.joined(["Abu", "Dhabi"]) == ["abudhabi"]


def test_name_index_builds_fast() -> None:
    words = [f"{a}{b}{c}" for a in ("ka", "ghu", "sch", "mo", "zh", "ta", "al", "yu", "di", "wo")
             for b in ("bar", "dhen", "tsch", "ouk", "mir", "lan", "zaf", "hee", "qu", "rst")
             for c in (f"{x}{y}" for x in "aeiouybcdfghjklmnpqrstvwz" for y in ("", "ov", "ski", "iy", "ah", "in"))]
    assert len(words) == 15_000
    start = time.perf_counter()
    ix = NameIndex.of(words * 10)
    assert time.perf_counter() - start < 10  # about 0.5 s on 150,000 words; room for a busy machine
    assert ix.variants("kabarov")


def _decoy_corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "news"
    docs.mkdir()
    (docs / "seed.txt").write_bytes((SAMPLE / "seed" / "000_149819f5d793fd8c.txt").read_bytes())
    texts = {
        "husayn.txt": "Talks\n\nThe envoy Husayn Ali met officials in Baghdad.",
        "hossein.txt": "Tehran\n\nMir-Hossein Mousavi spoke in Tehran.",
        "hosni.txt": "Cairo\n\nHosni Mubarak spoke in Cairo.",
        "mahmoud.txt": "Ramallah\n\nMahmoud Abbas spoke in Ramallah.",
        "decoy.txt": "Cabinet news\n\nThe minister Numan Kurtulmus met officials. Later, Marrat Smith, "
                     "a visiting economist, spoke about trade.",
        "albania.txt": "Tirana\n\nAlbania votes.",
        "bania.txt": "Village\n\nBania is a village.",
        "baradei.txt": "Vienna\n\nMohamed ElBaradei spoke.",
    }
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def test_variants_on_a_corpus_with_look_alikes(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    api.build_index([str(_decoy_corpus(tmp_path))], ix)
    opts = SearchOptions(limit=None, variants=True)
    assert {h.id for h in api.search("Hussein", ix, opts).hits} == {"news/husayn.txt", "news/hossein.txt"}
    assert "news/mahmoud.txt" not in {h.id for h in api.search("Mohammed", ix, opts).hits}
    assert {h.id for h in api.search("Mahmud", ix, opts).hits} == {"news/mahmoud.txt"}
    found = api.search("Maarat al-Numan", ix, opts)
    assert {h.id for h in found.hits} == {"news/seed.txt"}
    bania = api.search("Bania", ix, opts)
    assert {h.id for h in bania.hits} == {"news/bania.txt"}  # not Al + Bania
    assert {h.id for h in api.search("Baradei", ix, opts).hits} == {"news/baradei.txt"}  # a glued article


def test_variants_on_the_sample_corpus(sample_index: Path) -> None:
    result = api.search("Maarat al-Numan", str(sample_index), SearchOptions(limit=None, variants=True))
    hits = list(result.hits)
    assert [h.id for h in hits] == ["corpus/seed/000_149819f5d793fd8c.txt"]
    assert set(hits[0].matched_terms) >= {"maaret", "numaan", "numan", "marratinnuman"}
    assert {w for w, _ in result.spellings} <= {"maarat", "maaret", "numan", "numaan", "marratinnuman"}


@pytest.mark.corpus
def test_variants_on_bbc(bbc_index: Path) -> None:
    ix = str(bbc_index)
    plain = api.count("Yuganskneftegaz", ix)
    result = api.search("Yuganskneftegaz", ix, SearchOptions(limit=None, variants=True))
    spellings = {w for w, _ in result.spellings}
    assert spellings == {"yuganskneftegaz", "yuganskneftegas", "yuganskneftgas"} and result.total > plain
    result = api.search("Mohammed", ix, SearchOptions(limit=None, variants=True))
    spellings = {w for w, _ in result.spellings}
    assert {"mohammed", "mohammad", "muhammad"} <= spellings and "mahmoud" not in spellings


@pytest.mark.corpus
def test_variants_on_reuters(reuters_index: Path) -> None:
    result = api.search("Hussein", str(reuters_index), SearchOptions(limit=None, variants=True))
    spellings = {w for w, _ in result.spellings}
    assert {"hussein", "hossein", "hossain", "husain", "hoseyn"} <= spellings
    assert "hosni" not in spellings
