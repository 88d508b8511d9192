"""--variants: recall and precision on spelling groups from real news, before and after.

    python benchmarks/variants.py [--work DIR] [--results benchmarks/RESULTS.md] [--tune]

GROUPS are names that news writes in several transliteration styles, each spelling with where it
occurs (corpus and number of articles, counted in ../shared/corpora: sample = corpus/, bbc,
reuters = Reuters-21578, html = the article-extraction benchmark, formats = the export samples;
"issue" = a spelling named in the issue, "style" = the usual German or French outlets' spelling,
not met in these corpora). APART are look-alike names, both met in the corpora, that must stay
apart. Every spelling was read in its articles (`newsgrep kwic WORD`) before it was put in a group.

Measured, for the old rule (a copy of main's NameIndex, below) and the new one (text/names.py):
- per group: recall, the share of the group's spellings each spelling's --variants finds (mean over
  the spellings), and precision, the share of the spellings --variants adds that are the group's.
  The vocabulary searched is every written word of the indexed corpora plus the issue and style
  spellings, as if some outlet had written them.
- over the articles: each spelling met in a corpus is searched plainly and with --variants on that
  corpus's index; an added article is right when the spellings matched in it are the group's.
- the look-alike pairs kept apart, and the time to build the NameIndex on each vocabulary.
--tune searches the costs of names.Weights (coordinate descent, F2 of the recall over the groups and
the precision over the articles the added spellings bring in), and
shows them tuned on half of the groups and tried on the other half; the costs found go into
names.Weights by hand (the defaults there are what this printed).
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpora import CORPORA  # noqa: E402

from newsgrep.text import names  # noqa: E402
from newsgrep.text.analysis import fold  # noqa: E402

GROUPS: list[tuple[str, dict[str, str]]] = [
    ("Gaddafi", {"gaddafi": "formats 2, reuters 3", "qaddafi": "issue", "gadhafi": "issue", "kadafi": "issue",
                 "khadafy": "issue", "qadhafi": "style"}),
    ("Muammar", {"muammar": "formats 1, reuters 2", "moammar": "sample 1"}),
    ("Mohammed", {"mohammed": "bbc 4, formats 5, reuters 14, sample 1",
                  "mohammad": "bbc 2, formats 1, reuters 8, sample 1", "mohamed": "formats 1, reuters 3, sample 1",
                  "muhammad": "html 1, bbc 2, formats 1", "muhammud": "reuters 2"}),
    ("Hussein (Husayn)", {"hussein": "bbc 5, formats 13, reuters 11, sample 1", "husayn": "issue", "hussain": "bbc 1",
                          "hossein": "reuters 8", "hossain": "reuters 2", "husain": "reuters 2", "husein": "html 1",
                          "hosain": "formats 1", "hoseyn": "reuters 1"}),
    ("Zelensky", {"zelensky": "html 4, sample 3", "zelenskyy": "html 1", "zelenskiy": "html 1", "selenskyj": "issue"}),
    ("Mahmoud", {"mahmoud": "bbc 5, formats 3", "mahmud": "html 1, formats 2", "mahmood": "formats 2"}),
    ("Yuganskneftegaz", {"yuganskneftegaz": "bbc 4", "yuganskneftegas": "bbc 12", "yuganskneftgas": "bbc 1"}),
    ("Maarat", {"maarat": "issue", "maaret": "sample 1", "maarrat": "issue"}),
    ("Numan", {"numan": "sample 1", "numaan": "sample 1"}),
    ("Abdullah", {"abdullah": "bbc 2, formats 3, reuters 5, sample 1", "abdulla": "reuters 6",
                  "abdallah": "formats 2, reuters 1"}),
    ("Abdulaziz", {"abdulaziz": "reuters 6", "abdelaziz": "reuters 4"}),
    ("Abdullatif", {"abdullatif": "bbc 1", "abdellatif": "bbc 2"}),
    ("Abdul", {"abdul": "bbc 1, formats 3, reuters 25, sample 1", "abdel": "formats 3, reuters 7, sample 1"}),
    ("Osama", {"osama": "bbc 1, formats 1, sample 1", "usama": "sample 1"}),
    ("Qaeda", {"qaeda": "bbc 5, formats 4, sample 3", "qaida": "sample 1"}),
    ("Tehran", {"tehran": "bbc 2, formats 8, reuters 45, sample 2", "teheran": "formats 2, reuters 1"}),
    ("Kharkiv", {"kharkiv": "formats 1", "kharkov": "bbc 1"}),
    ("Kyiv", {"kiev": "bbc 2, formats 1, reuters 1", "kyiv": "html 2", "kiew": "formats 1"}),
    ("Bashir", {"bashir": "bbc 1, formats 2, sample 1", "beshir": "reuters 4"}),
    ("Assad", {"assad": "html 1, bbc 1, formats 25, reuters 1, sample 5", "asad": "formats 1"}),
    ("Hezbollah", {"hezbollah": "formats 1", "hizbollah": "reuters 1"}),
    ("Chernobyl", {"chernobyl": "formats 1, reuters 13", "tschernobyl": "formats 1"}),
    ("Yanukovych", {"yanukovych": "bbc 1", "yanukovich": "bbc 1"}),
    ("Sergei", {"sergei": "html 1, bbc 3, formats 18", "sergey": "formats 1, reuters 2, sample 1", "sergej": "style"}),
    ("Dmitry", {"dmitry": "bbc 1, formats 8", "dmitriy": "bbc 1"}),
    ("Vladimir", {"vladimir": "html 1, bbc 16, formats 19, reuters 2, sample 2", "wladimir": "formats 1",
                  "vladmir": "reuters 1"}),
    ("Alexei", {"alexei": "bbc 2, formats 3, reuters 3, sample 1", "alexej": "formats 1", "aleksey": "bbc 1"}),
    ("Yuri", {"yuri": "bbc 1, reuters 1", "yurij": "reuters 2", "yury": "bbc 1"}),
    ("Nikolai", {"nikolai": "bbc 1, formats 2, reuters 5", "nikolay": "bbc 3, reuters 1", "nikolaj": "html 1"}),
    ("Andrei", {"andrei": "bbc 3, formats 10, reuters 1", "andrey": "html 1, bbc 2", "andrej": "formats 2",
                "andriy": "bbc 2, sample 1"}),
    ("Khaled", {"khaled": "reuters 4", "chaled": "formats 1", "khalid": "formats 1, reuters 1"}),
    ("Omar", {"omar": "html 3, bbc 3, formats 5, reuters 2", "umar": "html 2, formats 1", "omer": "reuters 2"}),
    ("Ahmed", {"ahmed": "html 1, bbc 4, formats 6, reuters 16, sample 1", "ahmad": "html 2, formats 1, reuters 1",
               "achmed": "formats 1", "achmad": "reuters 5"}),
    ("Mustafa", {"mustafa": "bbc 3, formats 3, reuters 2", "mustapha": "reuters 4", "mostafa": "reuters 2"}),
    ("Hassan", {"hassan": "bbc 2, formats 2, reuters 3, sample 1", "hasan": "html 1"}),
    ("Yusuf", {"yusuf": "bbc 3, reuters 2", "yousef": "reuters 1, sample 1", "youssef": "sample 1"}),
    ("Yasser", {"yasser": "bbc 1, formats 2, reuters 3", "yasir": "html 1", "yassir": "bbc 1"}),
    ("Qassem", {"qassem": "reuters 6", "kassem": "reuters 1", "qasim": "reuters 2"}),
    ("Sulaymaniyah", {"sulaymaniyah": "formats 1", "sulaimaniyah": "formats 1", "sulaimaniya": "formats 1"}),
    ("Baghdad", {"baghdad": "html 1, bbc 10, formats 8, reuters 32, sample 1", "bagdad": "formats 1"}),
    ("Damascus", {"damascus": "html 1, formats 7, reuters 4, sample 1", "damaskus": "formats 1"}),
    ("Riyadh", {"riyadh": "bbc 3, formats 3, reuters 12, sample 1", "riyad": "reuters 3"}),
    ("Mecca", {"mecca": "bbc 1", "mekkah": "html 1"}),
    ("Jihad", {"jihad": "reuters 1", "dschihad": "formats 1"}),
    ("Khrushchev", {"khrushchev": "style", "chruschtschow": "style", "khrouchtchev": "style"}),
    ("Gorbachev", {"gorbachev": "bbc 1, formats 1, reuters 25", "gorbatschow": "style", "gorbatchev": "style"}),
    ("Shevchenko", {"shevchenko": "bbc 5", "schewtschenko": "issue", "chevtchenko": "style"}),
    ("Yeltsin", {"yeltsin": "formats 3", "jelzin": "style"}),
    ("Khodorkovsky", {"khodorkovsky": "bbc 19, formats 1", "chodorkowski": "style", "khodorkovski": "style"}),
    ("Khamenei", {"khamenei": "html 1, bbc 1, reuters 4", "khameini": "reuters 2", "chamenei": "style"}),
    ("Ahmadinejad", {"ahmadinejad": "html 1", "ahmadinedschad": "style"}),
    ("Luhansk", {"luhansk": "formats 1", "lugansk": "style"}),
]

# Look-alike names, both met in the corpora, that are not one name.
APART: list[tuple[str, str]] = [
    ("mahmoud", "mohammed"), ("mahmoud", "muhammad"), ("hosni", "hussein"), ("hosni", "hossein"),
    ("bashar", "bashir"), ("hamid", "hamad"), ("khamenei", "khomeini"), ("hassan", "hussein"),
    ("abbas", "abbasi"), ("hamid", "hamida"), ("qassem", "qassemi"), ("assad", "assads"),
]

CORPUS_PATHS = {"sample": REPO / "corpus", "bbc": CORPORA / "bbc", "reuters": CORPORA / "reuters21578",
                "html": CORPORA / "html" / "article-extraction-benchmark", "formats": CORPORA / "formats"}


class OldNameIndex:
    """The rule before this change (main's text/names.py), kept here as the baseline."""

    _PAIRS = (("kh", "k"), ("dh", "d"), ("th", "t"), ("gh", "g"), ("ph", "f"), ("q", "k"), ("ck", "k"),
              ("ou", "u"), ("ee", "i"))
    _VOWELS, _DOUBLES = re.compile(r"[aeiouy]"), re.compile(r"(.)\1+")
    _NON_ALNUM, _GROUPS = re.compile(r"[^a-z0-9]"), re.compile(r"[aeiouy]+")
    _CLASSES = (frozenset("ae"), frozenset("ou"), frozenset("iey"))

    def __init__(self) -> None:
        self.by_skeleton: dict[str, list[str]] = {}

    @classmethod
    def _plain(cls, word: str) -> str:
        w = cls._NON_ALNUM.sub("", fold(word))
        for a, b in cls._PAIRS:
            w = w.replace(a, b)
        return w

    @classmethod
    def skeleton(cls, word: str) -> str:
        """Return main's skeleton of a word."""
        w = cls._plain(word)
        return cls._DOUBLES.sub(r"\1", w[0] + cls._VOWELS.sub("", w[1:])) if w else ""

    @classmethod
    def agree(cls, a: str, b: str) -> bool:
        """Tell whether main's vowel test lets two words be one name."""
        va, vb = cls._GROUPS.findall(cls._plain(a)), cls._GROUPS.findall(cls._plain(b))
        return len(va) == len(vb) and all(x[0] == y[0] or any(x[0] in c and y[0] in c for c in cls._CLASSES)
                                          for x, y in zip(va, vb))

    @classmethod
    def of(cls, words: Iterable[str]) -> OldNameIndex:
        """File words by main's skeleton."""
        out = cls()
        for word in words:
            if word and not word[0].isdigit():
                out.by_skeleton.setdefault(cls.skeleton(word), []).append(word)
        return out

    def variants(self, word: str) -> list[str]:
        """Return main's variants of a word."""
        written = fold(word)
        sk = self.skeleton(written)
        if len(sk) < 2:
            return [written]
        return sorted({t for t in self.by_skeleton.get(sk, []) if self.agree(written, t)} | {written})

    def joined(self, words: Sequence[str]) -> list[str]:
        """Return main's run-together forms of a name."""
        sks = [self.skeleton(t) for t in words]
        if any(len(s) < 2 for s in sks):
            return []
        combos = [sks[0]]
        for sk in sks[1:]:
            combos = [c + link + sk for c in combos for link in ["", "l", "n", "d", "r", "s", "t", "z"]]
        return sorted({w for c in combos for w in self.by_skeleton.get(self._DOUBLES.sub(r"\1", c), [])})


def build(work: Path) -> dict[str, Path]:
    """Index the corpora (once; an unchanged corpus is not read again) and return their indexes."""
    from newsgrep import api

    out = {}
    for name, path in CORPUS_PATHS.items():
        if not path.exists():
            print(f"skipped {name}: {path} not found", file=sys.stderr)
            continue
        ix = work / f"ix-{name}"
        api.build_index([str(path)], str(ix))
        out[name] = ix
    return out


def vocabulary(ix: Path) -> set[str]:
    """Return the written words of an index's titles and bodies."""
    from newsgrep.index.search.searcher import Searcher

    with Searcher(ix) as s:
        reader = s.reader
        return {t.decode() if isinstance(t, bytes) else t for f in ("wtitle", "wbody") for t in reader.lexicon(f)}


Finder = Callable[[str], list[str]]
# Recall counts twice what precision does when the costs are tuned: a spelling --variants misses
# loses its articles unseen, while one it adds wrongly is printed (stderr) for the researcher to see.
BETA = 3.0


def group_scores(find: Finder, groups: Sequence[tuple[str, dict[str, str]]]) -> list[tuple[str, float, int, int]]:
    """Return (group, recall, right adds, wrong adds) for each group."""
    out = []
    for name, spellings in groups:
        members = set(spellings)
        recall, right, wrong = 0.0, 0, 0
        for s in members:
            found = set(find(s))
            recall += len(found & members) / len(members)
            right += len((found & members) - {s})
            wrong += len(found - members)
        out.append((name, recall / len(members), right, wrong))
    return out


def summary(scores: Sequence[tuple[str, float, int, int]]) -> tuple[float, float, int, int]:
    """Return mean recall, precision of the added spellings, right and wrong adds."""
    right, wrong = sum(s[2] for s in scores), sum(s[3] for s in scores)
    return (sum(s[1] for s in scores) / len(scores), right / (right + wrong) if right + wrong else 1.0, right, wrong)


def added_articles(indexes: dict[str, Path], old: bool) -> dict[str, tuple[int, int, Counter[str]]]:
    """Search each group's spellings on the corpora that hold them, plainly and with --variants;
    return per group (right, wrong added articles, the spellings matched in wrong ones, counted)."""
    from newsgrep import api
    from newsgrep.api import SearchOptions
    from newsgrep.index.query import bind

    setattr(bind, "NameIndex", OldNameIndex if old else names.NameIndex)  # noqa: B010 (patched for the run)
    vocab = {name: vocabulary(ix) for name, ix in indexes.items()}
    out: dict[str, tuple[int, int, Counter[str]]] = {}
    try:
        for group, spellings in GROUPS:
            right = wrong = 0
            bad: Counter[str] = Counter()
            for corpus, ix in indexes.items():
                for s in sorted(set(spellings) & vocab[corpus]):
                    plain = {h.id for h in api.search(s, str(ix), SearchOptions(limit=None, snippets=False)).hits}
                    for h in api.search(s, str(ix), SearchOptions(limit=None, variants=True)).hits:
                        if h.id in plain:
                            continue
                        if {fold(t) for t in h.matched_terms} & set(spellings):
                            right += 1
                        else:
                            wrong += 1
                            bad.update(fold(t) for t in h.matched_terms)
            out[group] = (right, wrong, bad)
    finally:
        setattr(bind, "NameIndex", names.NameIndex)  # noqa: B010
    return out


def doc_counts(indexes: dict[str, Path], words: Iterable[str]) -> dict[str, int]:
    """Return in how many articles of all the corpora each word is written (title or body)."""
    from newsgrep.index.search.searcher import Searcher

    out = dict.fromkeys(words, 0)
    for ix in indexes.values():
        with Searcher(ix) as s:
            for w in out:
                out[w] += max(int(s.reader.doc_frequency(f, w)) for f in ("wtitle", "wbody"))
    return out


def tune(vocab: set[str], groups: Sequence[tuple[str, dict[str, str]]], articles: dict[str, int],
         beta: float = BETA, start: names.Weights = names.DEFAULT_WEIGHTS) -> names.Weights:
    """Search the costs that give the best F-beta of recall over the groups and precision over the
    articles the added spellings bring in (each added spelling counts by its articles, at least
    one), one cost at a time, keeping every look-alike pair apart."""
    index = names.NameIndex.of(vocab)
    pool = {s: [(t, alts, max(1, articles.get(t, 0))) for t in index.candidates(s)
                if t != s and (alts := names.differences(s, t))] for _, g in groups for s in g}
    values = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, names.INF)

    def score(w: names.Weights) -> float:
        if any(names.distance(a, b, w) < names.INF for a, b in APART):
            return 0.0  # look-alike names must stay apart
        recall = right = wrong = 0.0
        for _, g in groups:
            for s in g:
                found = {t: n for t, alts, n in pool[s] if any(w.cost(d) <= w.allowed(u) for d, u in alts)}
                recall += (1 + sum(t in g for t in found)) / len(g) / len(g)
                right += sum(n for t, n in found.items() if t in g)
                wrong += sum(n for t, n in found.items() if t not in g)
        recall /= len(groups)
        precision = right / (right + wrong) if right + wrong else 1.0
        b2 = beta * beta
        return (1 + b2) * recall * precision / (b2 * precision + recall) if recall + precision else 0.0

    best, top = start, score(start)
    knobs = [f"consonants.{k}" for k in names.CONSONANTS] + [
        "double", "vowel_near", "vowel_far", "yo", "vowel_inside", "vowel_edge", "article", "limit", "per_unit"]
    for _ in range(4):
        changed = False
        for knob in knobs:
            for v in values:
                if knob.startswith("consonants."):
                    cand = replace(best, consonants={**best.consonants, knob.split(".")[1]: v})
                else:
                    cand = replace(best, **{knob: v})  # type: ignore[arg-type]
                got = score(cand)
                if got > top + 1e-9:
                    best, top, changed = cand, got, True
        if not changed:
            break
    print(f"tuned F{beta:g} {top:.3f}: {best}", file=sys.stderr)
    return best


def build_times(indexes: dict[str, Path]) -> list[str]:
    """Time NameIndex.of on each large vocabulary, old and new rule."""
    rows = []
    for name in ("bbc", "reuters"):
        if name in indexes:
            words = sorted(vocabulary(indexes[name]))
            t0 = time.perf_counter()
            OldNameIndex.of(words)
            t1 = time.perf_counter()
            names.NameIndex.of(words)
            t2 = time.perf_counter()
            rows.append(f"{name} ({len(words):,} words): {t1 - t0:.2f} s before, {t2 - t1:.2f} s after")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=HERE / "_work" / "variants")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--tune", action="store_true", help="search the costs instead of measuring")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    indexes = build(args.work)
    vocab: set[str] = set().union(*(vocabulary(ix) for ix in indexes.values()))
    vocab |= {s for _, g in GROUPS for s in g}
    index = names.NameIndex.of(vocab)
    articles = doc_counts(indexes, {t for _, g in GROUPS for s in g for t in index.candidates(s)})
    if args.tune:
        w = tune(vocab, GROUPS, articles)
        got = summary(group_scores(names.NameIndex.of(vocab, w).variants, GROUPS))
        print(f"all groups: recall {got[0]:.2f}, precision {got[1]:.2f}", file=sys.stderr)
    held = []
    for train, test in ((GROUPS[::2], GROUPS[1::2]), (GROUPS[1::2], GROUPS[::2])):
        r, p, _, _ = summary(group_scores(names.NameIndex.of(vocab, tune(vocab, train, articles)).variants, test))
        held.append(f"recall {r:.2f}, precision {p:.2f}")
    print("costs tuned on one half of the groups, tried on the other:", "; ".join(held), file=sys.stderr)
    if args.tune:
        return
    finders: dict[str, Any] = {"before": OldNameIndex.of(vocab), "after": names.NameIndex.of(vocab)}
    per = {k: group_scores(f.variants, GROUPS) for k, f in finders.items()}
    arts = {k: added_articles(indexes, old=(k == "before")) for k in finders}
    apart = {k: sum(b not in f.variants(a) and a not in f.variants(b) for a, b in APART) for k, f in finders.items()}
    rows = ["| group | spellings | recall before | recall after | wrong adds before | wrong adds after "
            "| articles added before (wrong) | after (wrong) |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for (name, spellings), b, a in zip(GROUPS, per["before"], per["after"]):
        ab, aa = arts["before"][name], arts["after"][name]
        rows.append(f"| {name} | {', '.join(spellings)} | {b[1]:.2f} | {a[1]:.2f} | {b[3]} | {a[3]} "
                    f"| {ab[0] + ab[1]} ({ab[1]}) | {aa[0] + aa[1]} ({aa[1]}) |")
    lines = []
    for k in finders:
        r, p, right, wrong = summary(per[k])
        art_right = sum(v[0] for v in arts[k].values())
        art_wrong = sum(v[1] for v in arts[k].values())
        bad = [f"{w} {n}" for w, n in sum((v[2] for v in arts[k].values()), Counter()).most_common(10)]
        lines.append(f"- **{k}**: recall {r:.2f}, precision of the added spellings {p:.2f} ({right} right, "
                     f"{wrong} wrong); added articles {art_right + art_wrong}, of which {art_wrong} wrong"
                     f"{' (most: ' + ', '.join(bad) + ')' if bad else ''}; look-alike pairs kept apart "
                     f"{apart[k]} of {len(APART)}")
    times = build_times(indexes)
    table, summ = "\n".join(rows), "\n".join(lines)
    print(table)
    print(summ)
    print("\n".join(times))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    section = (f"## --variants: recall and precision on spelling groups\n\nRun {stamp} on {platform.node()} "
               f"({platform.machine()}, Python {platform.python_version()}) with `python benchmarks/variants.py`: "
               f"{len(GROUPS)} spelling groups from real news ({sum(len(g) for _, g in GROUPS)} spellings; where each "
               f"occurs is listed in the script), {len(APART)} look-alike pairs, corpora: {', '.join(indexes)}. "
               f"Before: main's skeleton rule; after: transliteration units (text/names.py). Recall: the share of "
               f"a group's spellings one spelling's --variants finds; wrong adds: spellings it adds that are not "
               f"the group's; articles added: found with --variants and not without, on the corpora holding the "
               f"spelling (wrong: no spelling of the group in it).\n\n{table}\n\n{summ}\n\n"
               f"Tuning (`--tune`) on one half of the groups and measuring on the other gives {held[0]} "
               f"and {held[1]} (the costs in text/names.py are tuned on all groups).\n\n"
               f"NameIndex build time: {'; '.join(times)}.\n")
    text = args.results.read_text(encoding="utf-8")
    start, end = "<!-- variants:start -->", "<!-- variants:end -->"
    if start in text and end in text:
        text = text[: text.index(start) + len(start)] + "\n" + section + text[text.index(end):]
        args.results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
