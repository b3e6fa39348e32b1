"""Resolving a drug mention to its generic name and DrugBank id with the ``drug-named-entity-recognition``
dictionary (read from the installed package, no network).

Order of attempts: the generic name itself (``exact``); a brand (``brand``: Lasix -> furosemide); any other
synonym (``variant``); the same after dropping salt, release and form words ("metoprolol succ ER") or
taking the first part of a combination ("hydrocodone/APAP"); a short table of clinical abbreviations the
dictionary lacks; and last, for names of five letters or more, a close spelling among names with the same
first letter and a similar length (``fuzzy``, similarity >= 0.85; the package's own fuzzy matching is
too loose to trust). The dictionary's ``mesh_id`` is often the drug's *class* and is never used as the
identity; the DrugBank id is.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from core.drugs.types import DrugIdentity
from core.synth import vocab as V

FUZZY_MIN = 0.85
_SALT_WORDS = frozenset("""
succinate succ tartrate tart hcl hydrochloride hyclate mesylate maleate besylate sulfate sodium potassium
calcium magnesium acetate citrate phosphate fumarate bromide chloride er xl sr dr cr xr la ec odt hfa ir
tablet tablets tab tabs capsule capsules cap caps injection inj oral solution suspension syrup cream ointment
gel patch spray inhaler drops susp liquid pen po iv topical extended release delayed immediate
""".split())
#: Clinical abbreviations missing from the dictionary -> a name it knows.
ABBREVIATIONS: dict[str, str] = {
    "asa": "aspirin", "ntg": "nitroglycerin", "kcl": "potassium chloride", "mtx": "methotrexate",
    "tmp-smx": "sulfamethoxazole", "tmp/smx": "sulfamethoxazole", "smx-tmp": "sulfamethoxazole",
    "bactrim": "sulfamethoxazole", "mso4": "morphine", "ms contin": "morphine", "inh": "isoniazid",
    "pcn": "penicillin", "epo": "epoetin alfa", "norco": "hydrocodone", "vicodin": "hydrocodone",
    "percocet": "oxycodone", "augmentin": "amoxicillin", "amox-clav": "amoxicillin", "ntg sl": "nitroglycerin",
    "hc": "hydrocortisone", "ppi": "", "nsaid": "", "abx": "", "mvi": "multivitamin", "mvt": "multivitamin",
    "fe": "iron", "vit d": "cholecalciferol", "vitamin d3": "cholecalciferol", "vitamin d": "cholecalciferol",
    "peg": "polyethylene glycol", "peg 3350": "polyethylene glycol", "k-dur": "potassium chloride",
    "lr": "", "ns": "", "d5w": "dextrose", "tpa": "alteplase", "ivig": "immune globulin",
}
_SPLIT = re.compile(r"\s*(?:/|\+|-| with | and )\s*")


def _clean(mention: str) -> str:
    s = mention.lower().strip().strip(".,;:()[]{}\"'")
    s = re.sub(r"\s+", " ", s)
    return s


@lru_cache(maxsize=1)
def _index() -> tuple[dict, dict, frozenset[str], dict[str, list[str]]]:
    infos, v2c = V.drug_index()
    brands = frozenset(b.lower() for info in infos.values() for b in info.brands)
    by_letter: dict[str, list[str]] = {}
    for name in list(infos) + list(v2c):
        if name.isascii() and re.fullmatch(r"[a-z][a-z\- ]{3,30}", name):
            by_letter.setdefault(name[0], []).append(name)
    return infos, v2c, brands, {k: sorted(set(v)) for k, v in by_letter.items()}


def _identity(key: str, method: str, score: float = 1.0) -> DrugIdentity | None:
    infos, v2c, brands, _ = _index()
    canon = key if key in infos else v2c.get(key)
    if canon is None or canon not in infos:
        return None
    info = infos[canon]
    if method == "variant" and key in brands:
        method = "brand"
    if method == "exact" and key != canon:
        method = "brand" if key in brands else "variant"
    return DrugIdentity(canon, info.name or canon, info.drugbank_id, method, score, key)


def _lookup(s: str) -> DrugIdentity | None:
    if not s:
        return None
    hit = _identity(s, "exact")
    if hit is not None:
        return hit
    if s in ABBREVIATIONS:
        target = ABBREVIATIONS[s]
        return _identity(target, "variant") if target else None
    return None


@lru_cache(maxsize=8192)
def normalize(mention: str) -> DrugIdentity | None:
    """The dictionary identity of a drug mention, or None when it is not a drug the dictionary knows."""
    s = _clean(mention)
    if len(s) < 2 or not re.search(r"[a-z]", s):
        return None
    hit = _lookup(s)
    if hit is not None:
        return hit
    words = [w for w in re.split(r"\s+", s) if w]
    kept = [w for w in words if w not in _SALT_WORDS and not re.fullmatch(r"[\d.,/%]+(mg|mcg|g|ml|units?)?", w)]
    if kept and kept != words:
        hit = _lookup(" ".join(kept))
        if hit is not None:
            return _relabel(hit)
    parts = [p for p in _SPLIT.split(" ".join(kept) if kept else s) if p]
    if len(parts) > 1:
        for candidate in (" ".join(parts), parts[0]):
            hit = _lookup(candidate)
            if hit is not None:
                return _relabel(hit)
    if len(kept) > 1:
        hit = _lookup(kept[0])
        if hit is not None:
            return _relabel(hit)
    return _fuzzy(" ".join(kept) if kept else s)


def _relabel(hit: DrugIdentity) -> DrugIdentity:
    return hit if hit.method == "brand" else DrugIdentity(hit.canonical, hit.name, hit.drugbank_id, "variant",
                                                          hit.score, hit.matched)


def _fuzzy(s: str) -> DrugIdentity | None:
    if len(s) < 5 or not s[0].isalpha():
        return None
    _, _, _, by_letter = _index()
    pool = [n for n in by_letter.get(s[0], ()) if abs(len(n) - len(s)) <= 2]
    best = difflib.get_close_matches(s, pool, n=1, cutoff=FUZZY_MIN)
    if not best:
        return None
    score = difflib.SequenceMatcher(None, s, best[0]).ratio()
    hit = _identity(best[0], "fuzzy", score)
    return None if hit is None else DrugIdentity(hit.canonical, hit.name, hit.drugbank_id, "fuzzy", score, best[0])


def warm() -> None:
    """Load the dictionary now (about a second) rather than on the first mention."""
    _index()
    normalize("aspirin")


def dictionary_spans(text: str) -> list[tuple[int, int, DrugIdentity]]:
    """Drugs the dictionary alone finds in ``text`` (the baseline the model is compared with).

    Uses the package's ``find_drugs`` on ``\\w+|[^\\w\\s]`` tokens, case-insensitive, with every option that
    would call the network off; overlapping matches keep the longest.
    """
    from drug_named_entity_recognition import find_drugs

    toks = list(re.finditer(r"\w+|[^\w\s]", text))
    if not toks:
        return []
    found = find_drugs([m.group(0) for m in toks], is_ignore_case=True)
    spans: list[tuple[int, int, DrugIdentity]] = []
    for item in sorted(found, key=lambda f: -(f[2] - f[1])):
        info, a, b = item[0], item[1], item[2]
        if b <= a or b > len(toks):
            continue
        start, end = toks[a].start(), toks[b - 1].end()
        if any(start < e and s < end for s, e, _ in spans):
            continue
        name = str(info.get("name", "")).lower()
        ident = normalize(name) or DrugIdentity(name, str(info.get("name", "")), info.get("drugbank_id"), "exact",
                                                1.0, text[start:end])
        spans.append((start, end, ident))
    return sorted(spans, key=lambda t: t[0])
