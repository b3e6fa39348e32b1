"""Resolving a drug mention to its generic name and DrugBank id with the ``drug-named-entity-recognition``
dictionary (read from the installed package's data file, no network).

Order of attempts (the first that resolves wins):

1. the cleaned mention is a canonical (generic) name -> ``exact``;
2. it is a variant the dictionary flags as a brand, or that looks like one (a single word unlike the
   generic name: most brands, "Lasix" among them, carry no ``is_brand`` flag) -> ``brand``;
3. it is any other variant or synonym ("metoprolol succinate", "paracetamol") -> ``variant``;
4. the same after rewriting: dropping strengths and release/form words ("ER", "tablet"), then salt words
   ("succ", "HCl", "sodium" next to another name), combination names taken whole ("amoxicillin/clavulanate")
   and then by their first part ("hydrocodone/APAP" -> hydrocodone), text in/around brackets -> ``variant``;
5. a short project table of clinical abbreviations (and a few very common brands) the dictionary lacks
   ("ASA", "KCl", "TMP-SMX", "Norco") -> ``variant`` (``brand`` for the brands);
6. for names of five letters or more, the closest spelling among the names of drugs with a MedlinePlus
   monograph, with the same first letter and a length within two (``difflib`` ratio >= :data:`FUZZY_MIN`)
   -> ``fuzzy`` with the ratio as score. The package's own fuzzy matching is too loose ("metoprolo" ->
   fosinopril) and is not used.

Where the first hit has no DrugBank id, a generic name with one is preferred: the salt-free name
("docusate sodium" is filed under "dioctyl sulfosuccinic acid", without an id; "docusate" has DB11089),
the same drug without a qualifier ("insulin aspart (rdna origin)" -> "insulin aspart") or a known
duplicate entry (:data:`SAME_DRUG`: "Synthroid" -> "thyroxine", without an id -> "levothyroxine").

The dictionary's ``mesh_id`` is often the drug's *class* and is never used as the identity; the DrugBank
id is (``None`` where the dictionary has none, e.g. combination products and drug classes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from core.drugs.types import DrugIdentity
from core.lexicon import drugs as lex
from core.lexicon.drug_classes import normalize_class

#: Minimum ``difflib`` similarity for a misspelling to resolve (:data:`FUZZY_MIN_SHORT` below eight letters,
#: where one changed letter weighs more). Tuned on 400 random one-letter typos of common generics and
#: brands (93% resolved, 0.5% to the wrong drug) against 3,000 English words (0.6% "resolved").
FUZZY_MIN = 0.85
FUZZY_MIN_SHORT = 0.88
#: Minimum letters in a name before fuzzy matching is tried.
FUZZY_MIN_LEN = 5
#: How much longer or shorter a fuzzy candidate may be.
FUZZY_MAX_LEN_DIFF = 2

_TABLES = lex.drug_name_tables()
#: Release, form, route and packaging words dropped when the whole mention does not resolve
#: (``core/lexicon/data/drug_names.yaml``, like the other tables below).
FORM_WORDS: frozenset[str] = frozenset(_TABLES.form_words)
#: Salt (and hydrate) words dropped after the form words, only when another word remains.
SALT_WORDS: frozenset[str] = frozenset(_TABLES.salt_words)
_UNITS: frozenset[str] = frozenset(_TABLES.units)
_FREQ = re.compile(r"q\d+(?:-\d+)?(?:h|hr|hrs|min|d)")
_NUMBER = re.compile(r"#?\d+(?:[.,]\d+)?(?:[/-]\d+(?:[.,]\d+)?)*(?P<unit>[a-zµ%/]*)")
_COMBO_SPLIT = re.compile(r"\s*(?:/|\+|&|,|\band\b|\bwith\b|(?<=[a-z])-(?=[a-z]))\s*")
_PAREN = re.compile(r"\(([^()]*)\)|\[([^()\[\]]*)\]")
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_MARKS = re.compile(r"[®™©*†‡]")
_CHEMICAL = re.compile(r"methyl|ethyl|propyl|butyl|hydroxy|amino|phenyl|chloro|fluoro|bromo|acid|anilide|"
                       r"glycine|carbox|benz|sulfon|oxy|ium$|ate$|um$")
_FUZZY_NAME = re.compile(r"[a-z][a-z' \-]{4,40}")

#: Clinical abbreviations the dictionary lacks (it has no variant shorter than four characters), keyed
#: without punctuation or spaces ("TMP-SMX", "tmp/smx" and "TMP SMX" all become ``tmpsmx``) -> what they
#: stand for, resolved like any mention (so a combination resolves as "amoxicillin-clavulanate" does).
ABBREVIATIONS: dict[str, str] = dict(_TABLES.abbreviations)
#: Very common US brands the dictionary lacks -> what they contain (resolved like any mention).
EXTRA_BRANDS: dict[str, str] = dict(_TABLES.extra_brands)
#: Brands the dictionary files under a drug class: checked before the dictionary.
BRAND_OVERRIDES: dict[str, str] = dict(_TABLES.brand_overrides)
#: Dictionary canonicals without a DrugBank id -> the canonical of the same drug that has one ("Synthroid"
#: is filed under "thyroxine", which has no id; "levothyroxine" has DB00451). Common drugs named
#: "generic (qualifier)" ("insulin aspart (rdna origin)") are mapped to "generic" the same way.
SAME_DRUG: dict[str, str] = dict(_TABLES.same_drug)


@dataclass(frozen=True)
class _Index:
    infos: dict[str, lex.DrugInfo]              # canonical -> info (name, validated DrugBank id)
    v2c: dict[str, str]                       # variant -> canonical
    brand_flag: dict[str, bool]               # variant -> the dictionary's is_brand (only ~10k have one)
    fuzzy: dict[tuple[str, int], tuple[str, ...]]   # (first letter, length) -> names


@lru_cache(maxsize=1)
def _index() -> _Index:
    infos, v2c = lex.drug_index()
    v2c = {k: c for k, c in v2c.items() if c in infos}   # 78 variants point at canonicals with no entry
    vdata = lex.drug_dictionary()["drug_variant_to_variant_data"]
    brand_flag = {k: bool(v["is_brand"]) for k, v in vdata.items() if "is_brand" in v}
    # Misspellings are matched only against drugs with a MedlinePlus monograph (~1,500 generics, ~10k names
    # with their brands and synonyms): the full dictionary (107k names, many obscure foreign brands and
    # chemicals) turns one English word in 40 into a "drug".
    buckets: dict[tuple[str, int], set[str]] = {}
    for name in (*infos, *v2c):
        canon = name if name in infos else v2c[name]
        if infos[canon].common and name.isascii() and _FUZZY_NAME.fullmatch(name):
            buckets.setdefault((name[0], len(name)), set()).add(name)
    return _Index(infos, v2c, brand_flag, {k: tuple(sorted(v)) for k, v in buckets.items()})


def _clean(mention: str) -> str:
    """Case-folded mention without trademark marks, extra spaces or surrounding punctuation."""
    s = _MARKS.sub("", unicodedata.normalize("NFKC", mention)).casefold()
    s = _TRIM.sub("", re.sub(r"\s+", " ", s))
    if s.count("(") > s.count(")"):
        s += ")"  # "Tylenol (acetaminophen)" lost its closing bracket to the trim
    return s


def _compact(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s)


def _looks_like_brand(variant: str, canonical: str) -> bool:
    """Whether a variant without an ``is_brand`` flag is probably a brand name."""
    if not re.fullmatch(r"[a-z]{5,}(?:[ -][a-z]{1,5})?", variant) or _CHEMICAL.search(variant.split()[0]):
        return False
    if variant[:4] == canonical[:4] or canonical in variant or variant in canonical:
        return False
    return SequenceMatcher(None, variant, canonical).ratio() < 0.6


def _identity(key: str, method: str, score: float = 1.0, matched: str | None = None) -> DrugIdentity | None:
    """The identity of a dictionary name ``key`` (a canonical name or a variant)."""
    ix = _index()
    if key in ix.infos:
        canon = key
    else:
        canon = ix.v2c.get(key)
        if canon is None:
            return None
        if method == "exact":
            flag = ix.brand_flag.get(key)
            brand = flag if flag is not None else _looks_like_brand(key, canon)
            method = "brand" if brand else "variant"
    info = ix.infos[canon]
    return DrugIdentity(canon, info.name or canon, info.drugbank_id, method, score, matched or key)


def _as(hit: DrugIdentity | None, method: str) -> DrugIdentity | None:
    if hit is None or hit.method == method:
        return hit
    return DrugIdentity(hit.canonical, hit.name, hit.drugbank_id, method, hit.score, hit.matched)


def _is_dose(word: str) -> bool:
    if word in _UNITS or _FREQ.fullmatch(word):
        return True
    m = _NUMBER.fullmatch(word)
    return bool(m) and (not m.group("unit") or m.group("unit") in _UNITS)


def _word_key(word: str) -> str:
    return re.sub(r"[.,;:]", "", word)   # "p.o." -> "po", "b.i.d." -> "bid"


def _strip_forms(s: str) -> str:
    return " ".join(w for w in s.split(" ")
                    if _word_key(w) not in FORM_WORDS and not _is_dose(w.strip(".,;:")))


def _strip_salts(s: str) -> str:
    return " ".join(w for w in s.split(" ") if _word_key(w) not in SALT_WORDS)


def _whole_forms(s: str) -> list[str]:
    """Rewrites of the whole mention, most literal first (without duplicates or ``s`` itself)."""
    out: list[str] = []

    def add(x: str) -> None:
        x = _TRIM.sub("", re.sub(r"\s+", " ", x)).strip()
        if x and x != s and x not in out:
            out.append(x)

    bare = _PAREN.sub(" ", s) if "(" in s or "[" in s else s
    for base in dict.fromkeys((s, bare)):
        add(base)
        if "-" in base:
            add(base.replace("-", " "))
        formless = _strip_forms(base)
        add(formless)
        if "-" in formless:
            add(formless.replace("-", " "))
        add(_strip_salts(formless))
    return out


def _combination_parts(s: str) -> list[str]:
    parts = [p.strip() for p in _COMBO_SPLIT.split(s)]
    return [p for p in parts if p]


def _direct(s: str) -> DrugIdentity | None:
    return _identity(s, "exact") if s else None


def _abbreviation(s: str, depth: int) -> DrugIdentity | None:
    key = _compact(s)
    for table, method in ((ABBREVIATIONS, "variant"), (EXTRA_BRANDS, "brand")):
        if key in table and depth < 2:
            return _as(_resolve_exactish(table[key], depth + 1), method)
    return None


def _with_drugbank(hit: DrugIdentity | None) -> DrugIdentity | None:
    """``hit`` moved to the canonical of the same drug that has a DrugBank id, where one is known."""
    if hit is None or hit.drugbank_id:
        return hit
    ix = _index()
    alt = SAME_DRUG.get(hit.canonical)
    if alt is None and "(" in hit.canonical and ix.infos[hit.canonical].common:
        alt = re.sub(r"\s*\([^)]*\)", "", hit.canonical).strip()
    other = _direct(alt) if alt else None
    if other is None or not other.drugbank_id:
        return hit
    return DrugIdentity(other.canonical, other.name, other.drugbank_id, hit.method, hit.score, hit.matched)


def _candidates(s: str, depth: int) -> Iterator[tuple[DrugIdentity | None, bool]]:
    """Hits of steps 1-5 in order, each with whether it is a whole-mention salt/form rewrite."""
    if s in BRAND_OVERRIDES:
        yield _as(_direct(BRAND_OVERRIDES[s]), "brand"), True
    yield _with_drugbank(_direct(s)), True
    wholes = _whole_forms(s)
    for w in wholes:
        hit = _direct(w)
        # only a generic name may replace an id-less whole-mention hit: "sodium polystyrene sulfonate" (no id)
        # must not become tolevamer, what the dictionary files "polystyrene sulfonate" under
        yield _as(_with_drugbank(hit), "variant"), hit is None or hit.canonical == w
    for w in (s, *wholes):
        parts = _combination_parts(w)
        if len(parts) > 1:
            for joined in ("/".join(parts), " and ".join(parts), "/".join(parts[::-1]), " and ".join(parts[::-1])):
                yield _as(_direct(joined), "variant"), False
    for w in (s, *wholes):
        yield _abbreviation(w, depth), False
    firsts: list[str] = []
    for w in (s, *wholes):
        parts = _combination_parts(w)
        if len(parts) > 1 and parts[0] not in firsts:
            firsts.append(parts[0])
    for first in firsts:
        yield _as(_direct(first), "variant"), False
        for w in _whole_forms(first):
            yield _as(_direct(w), "variant"), False
        yield _abbreviation(first, depth), False
    for inner in _PAREN.findall(s) if depth == 0 else ():
        text = (inner[0] or inner[1]).strip()
        if text:
            yield _as(_resolve_exactish(text, depth + 1), "variant"), False


def _resolve_exactish(s: str, depth: int = 0) -> DrugIdentity | None:
    """Steps 1-5 for ``s`` (no fuzzy matching).

    A hit on the whole mention without a DrugBank id is kept unless dropping salt or form words gives a
    generic name with one ("docusate sodium" -> "docusate").
    """
    fallback: DrugIdentity | None = None
    for hit, whole in _candidates(s, depth):
        if fallback is not None and not whole:
            return fallback
        if hit is None:
            continue
        if hit.drugbank_id or not whole:
            return hit
        fallback = hit
    return fallback


def _fuzzy(s: str) -> DrugIdentity | None:
    """The closest common drug name to ``s`` (a likely misspelling), or None below the threshold."""
    if not _FUZZY_NAME.fullmatch(s) or sum(c.isalpha() for c in s) < FUZZY_MIN_LEN:
        return None
    ix = _index()
    cutoff = FUZZY_MIN if len(s) >= 8 else FUZZY_MIN_SHORT
    sm = SequenceMatcher(autojunk=False)
    sm.set_seq2(s)
    best: tuple[float, bool, bool, str] | None = None
    for n in range(len(s) - FUZZY_MAX_LEN_DIFF, len(s) + FUZZY_MAX_LEN_DIFF + 1):
        for name in ix.fuzzy.get((s[0], n), ()):
            sm.set_seq1(name)
            if sm.real_quick_ratio() < cutoff or sm.quick_ratio() < cutoff:
                continue
            r = sm.ratio()
            if r < cutoff:
                continue
            canon = name if name in ix.infos else ix.v2c[name]
            key = (r, ix.infos[canon].drugbank_id is not None, name == canon, name)
            if best is None or key[:3] > best[:3]:
                best = key
    if best is None:
        return None
    return _with_drugbank(_as(_identity(best[3], "fuzzy", best[0]), "fuzzy"))


@lru_cache(maxsize=16384)
def _normalize_clean(s: str) -> DrugIdentity | None:
    hit = _resolve_exactish(s)
    if hit is not None:
        return hit
    tried: list[str] = []
    for w in (_strip_salts(_strip_forms(s)), _strip_forms(s), s):
        if w and w not in tried:
            tried.append(w)
    parts = _combination_parts(tried[0]) if tried else []
    if len(parts) > 1:
        tried.append(parts[0])
    for w in tried:
        hit = _fuzzy(w)
        if hit is not None:
            return hit
    return None


def normalize(mention: str) -> DrugIdentity | None:
    """Resolve a drug mention to the dictionary's generic name and DrugBank id.

    Args:
        mention: The mention as written in the note ("Lasix", "metoprolol succ ER", "lisinoprl").

    Returns:
        The identity (``method`` says how it was found), or ``None`` when the dictionary does not know the
        name. Results are cached on the cleaned (case-folded, trimmed) text.
    """
    s = _clean(mention)
    if len(s) < 2 or not re.search(r"[a-z]", s):
        return None
    return _normalize_clean(s)


def warm() -> None:
    """Load the dictionary and the fuzzy index now (about a second) rather than on the first mention."""
    _index()
    normalize("aspirin")


def dictionary_spans(text: str) -> list[tuple[int, int, DrugIdentity]]:
    """Drugs the dictionary alone finds in ``text`` (the baseline the model is compared with).

    Tokens are ``\\w+|[^\\w\\s]`` matches; the package's ``find_drugs`` looks up one- and two-token
    names, ignoring case, with its fuzzy matching off and every option that would call the network
    (structures, OMOP, PubChem) off. Overlapping matches keep the longest (then the first). Identities come
    from :func:`normalize` on the matched text (so "docusate sodium" gets docusate's DrugBank id). The first
    call imports the package, which loads its own copy of the dictionary (2-3 s). Drug classes the dictionary
    lists ("statins", "ACE inhibitors"; those :func:`core.lexicon.drug_classes.normalize_class` knows) are not drugs
    and are left out.

    Args:
        text: The note.

    Returns:
        ``(start, end, identity)`` character spans in text order; the identity's method is ``exact`` for a
        generic name, else ``brand``/``variant``.
    """
    from drug_named_entity_recognition import find_drugs

    toks = list(re.finditer(r"\w+|[^\w\s]", text))
    if not toks:
        return []
    found = find_drugs([m.group(0) for m in toks], is_fuzzy_match=False, is_ignore_case=True,
                       is_include_structure=False, is_use_omop_api=False, use_pub_chem_api=False)
    found = sorted(found, key=lambda f: (-(f[2] - f[1]), f[1]))
    taken: list[tuple[int, int]] = []
    spans: list[tuple[int, int, DrugIdentity]] = []
    for data, a, b in found:
        if not 0 <= a < b <= len(toks) or any(a < e and s < b for s, e in taken):
            continue
        start, end = toks[a].start(), toks[b - 1].end()
        surface = text[start:end]
        if normalize_class(surface) is not None:   # the dictionary lists classes ("statins"): not drugs
            taken.append((a, b))
            continue
        ident = normalize(surface)
        if ident is None or ident.method == "fuzzy":
            name = str(data.get("name") or data.get("matching_string") or surface)
            db = data.get("drugbank_id")
            ident = DrugIdentity(name.lower(), name, db if isinstance(db, str) and re.fullmatch(r"DB\d{5}", db)
                                 else None, "variant", 1.0, surface.lower())
        taken.append((a, b))
        spans.append((start, end, ident))
    return sorted(spans, key=lambda t: t[0])
