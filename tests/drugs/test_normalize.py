"""Drug-name normalization against the drug-named-entity-recognition dictionary (no model needed)."""

from __future__ import annotations

import difflib
import re
import time

import pytest

from core.drugs import normalize as N
from core.drugs.normalize import ABBREVIATIONS, EXTRA_BRANDS, dictionary_spans, normalize, warm


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm()


def resolved(mention: str) -> tuple[str, str | None, str]:
    ident = normalize(mention)
    assert ident is not None, mention
    return ident.canonical, ident.drugbank_id, ident.method


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("furosemide", "furosemide", "DB00695"),
    ("Metoprolol", "metoprolol", "DB00264"),
    ("lisinopril", "lisinopril", "DB00722"),
    ("potassium chloride", "potassium chloride", "DB00761"),
    ("insulin glargine", "insulin glargine", "DB00047"),
])
def test_generic_names_resolve_exactly(mention, canonical, drugbank_id):
    assert resolved(mention) == (canonical, drugbank_id, "exact")


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("Lasix", "furosemide", "DB00695"),        # no is_brand flag in the dictionary: found by the heuristic
    ("Zocor", "simvastatin", "DB00641"),       # flagged is_brand
    ("Lipitor", "atorvastatin", "DB01076"),
    ("Tylenol", "acetaminophen", "DB00316"),
    ("Lantus", "insulin glargine", "DB00047"),
    ("Coumadin", "warfarin", "DB00682"),
])
def test_brands_resolve_to_their_generic(mention, canonical, drugbank_id):
    assert resolved(mention) == (canonical, drugbank_id, "brand")


def test_synonyms_are_variants_not_brands():
    assert resolved("paracetamol") == ("acetaminophen", "DB00316", "variant")
    assert resolved("metoprolol succinate") == ("metoprolol", "DB00264", "variant")
    # the dictionary carries French/Latin forms: "metformine" is a synonym, not a misspelling
    assert resolved("metformine") == ("metformin", "DB00331", "variant")


@pytest.mark.parametrize("mention, canonical, matched", [
    ("lisinoprl", "lisinopril", "lisinopril"),
    ("metfromin", "metformin", "metformin"),
    ("amlodopine", "amlodipine", "amlodipine"),
    ("atorvastin", "atorvastatin", "atorvastatin"),
    ("Seroqeul", "quetiapine", "seroquel"),
])
def test_misspellings_resolve_fuzzily_with_their_similarity(mention, canonical, matched):
    ident = normalize(mention)
    assert ident is not None and ident.method == "fuzzy"
    assert (ident.canonical, ident.matched) == (canonical, matched)
    assert N.FUZZY_MIN <= ident.score < 1.0
    assert ident.score == pytest.approx(difflib.SequenceMatcher(None, mention.lower(), matched).ratio())


def test_lisinoprl_similarity_is_one_missing_letter():
    assert normalize("lisinoprl").score == pytest.approx(18 / 19)


def test_metoprolo_is_metoprolol_never_fosinopril():
    ident = normalize("metoprolo")
    assert ident is None or ident.canonical == "metoprolol"
    assert ident is not None and ident.drugbank_id == "DB00264"


@pytest.mark.parametrize("word", ["hearing", "program", "creator", "tornado", "normal", "proton"])
def test_english_words_close_to_brand_names_do_not_resolve(word):
    # heparin, Prograf, Crestor, Toradol, ... are one or two letters away, under the short-name threshold
    assert normalize(word) is None


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("metoprolol succ ER", "metoprolol", "DB00264"),
    ("metoprolol succ. ER", "metoprolol", "DB00264"),
    ("diltiazem ER", "diltiazem", "DB00343"),
    ("Toprol XL", "metoprolol", "DB00264"),
    ("metoprolol tartrate 25 mg p.o. b.i.d.", "metoprolol", "DB00264"),
    ("KCl ER", "potassium chloride", "DB00761"),
    ("potassium chloride 20 mEq", "potassium chloride", "DB00761"),
    ("albuterol HFA", "albuterol", "DB01001"),
    ("Amoxicillin 500 mg p.o. t.i.d.", "amoxicillin", "DB01060"),
    ("heparin 5000 units SQ q8h", "heparin", "DB01109"),
])
def test_salt_release_form_and_dose_words_are_dropped(mention, canonical, drugbank_id):
    c, db, method = resolved(mention)
    assert (c, db) == (canonical, drugbank_id)
    assert method == "variant"


def test_salt_forms_prefer_the_entry_with_a_drugbank_id():
    # the dictionary files "docusate sodium" under "dioctyl sulfosuccinic acid" and "levothyroxine sodium"
    # under "thyroxine", neither with a DrugBank id; the salt-free names have one
    assert resolved("docusate sodium") == ("docusate", "DB11089", "variant")
    assert resolved("levothyroxine sodium") == ("levothyroxine", "DB00451", "variant")
    assert resolved("enoxaparin sodium") == ("enoxaparin", "DB01225", "variant")
    assert resolved("Synthroid") == ("levothyroxine", "DB00451", "brand")
    assert resolved("Novolog") == ("insulin aspart", "DB01306", "brand")   # "insulin aspart (rdna origin)"


def test_an_id_less_dictionary_name_is_not_replaced_by_another_drug():
    # dropping "sodium" would give "polystyrene sulfonate", which the dictionary files under tolevamer
    assert resolved("sodium polystyrene sulfonate") == ("sodium polystyrene sulfonate", None, "exact")
    assert resolved("sodium ferric gluconate") == ("sodium ferric gluconate", None, "exact")


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("amoxicillin-clavulanate", "amoxicillin", "DB01060"),
    ("amoxicillin/clavulanate", "amoxicillin", "DB01060"),
    ("hydrocodone/APAP", "hydrocodone", "DB00956"),
    ("hydrocodone-acetaminophen 5-325 mg", "hydrocodone", "DB00956"),
    ("ASA/Plavix", "aspirin", "DB00945"),
    # the whole combination is tried first: the dictionary has these as combination products (no id)
    ("trimethoprim/sulfamethoxazole", "trimethoprim/sulfamethoxazole", None),
    ("piperacillin-tazobactam", "piperacillin and tazobactam", None),
])
def test_combinations_resolve_whole_then_by_first_part(mention, canonical, drugbank_id):
    c, db, _ = resolved(mention)
    assert (c, db) == (canonical, drugbank_id)


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("ASA", "aspirin", "DB00945"),
    ("ASA 81 mg", "aspirin", "DB00945"),
    ("EC ASA", "aspirin", "DB00945"),
    ("NTG", "nitroglycerin", "DB00727"),
    ("KCl", "potassium chloride", "DB00761"),
    ("MTX", "methotrexate", "DB00563"),
    ("MSO4", "morphine", "DB00295"),
    ("INH", "isoniazid", "DB00951"),
    ("TMP-SMX", "trimethoprim/sulfamethoxazole", None),
    ("tmp/smx DS", "trimethoprim/sulfamethoxazole", None),
    ("SMX-TMP", "trimethoprim/sulfamethoxazole", None),
    ("vanc", "vancomycin", "DB00512"),
])
def test_abbreviations_the_dictionary_lacks(mention, canonical, drugbank_id):
    assert resolved(mention) == (canonical, drugbank_id, "variant")


@pytest.mark.parametrize("mention, canonical, drugbank_id", [
    ("HCTZ", "hydrochlorothiazide", "DB00999"),
    ("APAP", "acetaminophen", "DB00316"),
    ("5-FU", "fluorouracil", "DB00544"),
])
def test_abbreviations_the_dictionary_knows(mention, canonical, drugbank_id):
    assert mention.lower() not in ABBREVIATIONS and N._compact(mention.lower()) not in ABBREVIATIONS
    assert resolved(mention) == (canonical, drugbank_id, "variant")


def test_project_tables_hold_only_names_the_dictionary_lacks():
    ix = N._index()
    assert [k for k in (*ABBREVIATIONS, *EXTRA_BRANDS) if k in ix.v2c or k in ix.infos] == []


@pytest.mark.parametrize("key", sorted(ABBREVIATIONS))
def test_every_abbreviation_resolves(key):
    ident = normalize(key)
    assert ident is not None and ident.method == "variant"


@pytest.mark.parametrize("key", sorted(EXTRA_BRANDS))
def test_every_extra_brand_resolves(key):
    ident = normalize(key)
    assert ident is not None and ident.method == "brand"


def test_extra_brands():
    assert resolved("Norco") == ("hydrocodone", "DB00956", "brand")
    assert resolved("Percocet") == ("oxycodone", "DB00497", "brand")
    assert resolved("Keflex") == ("cephalexin", "DB00567", "brand")
    assert resolved("Colace") == ("docusate", "DB11089", "brand")   # the dictionary says "stool softeners"


@pytest.mark.parametrize("word", ["xyzzyqua", "patient", "daily", "25 mg", "PO", "", "  ", "x", "---"])
def test_unknown_words_are_none(word):
    assert normalize(word) is None


@pytest.mark.parametrize("mention", ["LASIX", "lasix.", "(Lasix)", " Lasix® ", '"Lasix,"', "Lasix:"])
def test_case_and_surrounding_punctuation_are_ignored(mention):
    ident = normalize(mention)
    assert ident is not None
    assert (ident.canonical, ident.drugbank_id, ident.method, ident.matched) == (
        "furosemide", "DB00695", "brand", "lasix")


def test_brand_with_generic_in_brackets():
    assert resolved("Tylenol (acetaminophen)")[:2] == ("acetaminophen", "DB00316")
    assert resolved("warfarin (Coumadin)")[:2] == ("warfarin", "DB00682")


def test_drug_classes_have_no_drugbank_id_and_mesh_is_never_the_identity():
    from core.lexicon.drugs import drug_dictionary as _drug_dictionary

    data = _drug_dictionary()["drug_canonical_to_data"]
    # the dictionary's mesh_id is often the class: amoxicillin and "penicillins" both carry D000900
    # (Anti-Bacterial Agents), so it cannot identify a drug
    assert data["amoxicillin"]["mesh_id"] == data["penicillins"]["mesh_id"] == "D000900"
    assert resolved("amoxicillin") == ("amoxicillin", "DB01060", "exact")
    assert resolved("penicillin") == ("penicillins", None, "variant")   # the class: no DrugBank id
    assert not hasattr(normalize("amoxicillin"), "mesh_id")
    for m in ["Lasix", "aspirin", "metoprolol succ ER", "lisinoprl", "KCl", "Norco"]:
        assert re.fullmatch(r"DB\d{5}", normalize(m).drugbank_id)


def test_results_are_cached_on_the_cleaned_text():
    assert normalize("Lasix") is normalize(" LASIX. ")


def test_typical_names_take_well_under_two_ms():
    names = ["furosemide", "Lasix", "metoprolol succ ER", "lisinopril 10 mg", "amoxicillin-clavulanate",
             "hydrocodone/APAP", "ASA", "KCl", "lisinoprl", "amlodopine", "Zorblaxin", "patient", "metoprolo",
             "Tylenol", "heparin", "aspirin", "atorvastatin", "omeprazole", "gabapentn", "insulin glargine"]
    N._normalize_clean.cache_clear()
    t = time.perf_counter()
    for name in names:
        normalize(name)
    per_call = (time.perf_counter() - t) / len(names)
    assert per_call < 0.002, per_call


def test_dictionary_spans_exact_offsets():
    text = "Started Lasix 40 mg and potassium chloride; aspirin. Metoprolo held, Zorblax added."
    spans = dictionary_spans(text)
    assert [(s, e, text[s:e], i.canonical, i.drugbank_id) for s, e, i in spans] == [
        (8, 13, "Lasix", "furosemide", "DB00695"),
        (24, 42, "potassium chloride", "potassium chloride", "DB00761"),   # two tokens, longest match kept
        (44, 51, "aspirin", "aspirin", "DB00945"),
    ]
    assert [i.method for _, _, i in spans] == ["brand", "exact", "exact"]


def test_dictionary_spans_split_punctuation_and_ignore_case():
    text = "ASPIRIN.Warfarin,lasix"
    assert [(s, e, i.canonical) for s, e, i in dictionary_spans(text)] == [
        (0, 7, "aspirin"), (8, 16, "warfarin"), (17, 22, "furosemide")]
    assert dictionary_spans("") == [] and dictionary_spans("no drugs here") == []
