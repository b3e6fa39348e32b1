"""The sections of a synthetic note (chief complaint, HPI, histories, medications, allergies, review of
systems, exam, data, assessment and plan), each written with exact spans into the note's builder."""

from __future__ import annotations

import re
from functools import lru_cache

from core.labels import DRUG_CLASS_LABEL, SERVICES
from core.lexicon import drugs as lex
from core.lexicon.drug_classes import class_forms, plural
from core.synth import negatives as neg
from core.synth.kb import Sym
from core.synth.writer import WriterBase

_SLOT = re.compile(r"(\{\w+\})")


@lru_cache(maxsize=1)
def _written_classes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(singular, plural) forms of the classes notes name (a form already plural has no singular)."""
    forms = class_forms(written_only=True)
    return tuple(f for f in forms if not f.endswith("s")), tuple(plural(f) for f in forms)


class SectionWriter(WriterBase):
    """The sections every note style assembles."""

    # ---- shared sections
    def sec_cc(self) -> None:
        rng = self.rng
        self.hdr("CHIEF COMPLAINT", "CHIEF COMPLAINT", "CC", "REASON FOR VISIT")
        kind = rng.random()
        if kind < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            self.b.add(rng.choice((".", "", ".", f" x {rng.randint(2, 10)} days.")))
        elif kind < 0.8:
            self.b.add(rng.choice(("Follow-up of ", "Evaluation of ", "", "Management of ")))
            self.cond(self.main, "present")
            self.b.add(".")
        else:
            self.b.add(rng.choice(('"I have been sick."', '"I have been feeling bad."',
                                   '"I have had this problem for a while."', '"Follow-up."', '"Check-up."',
                                   "Routine follow-up.")))

    def opener(self) -> None:
        rng, b = self.rng, self.b
        b.add(rng.choice(("This is a ", "The patient is a ", "Patient is a ", "", "This ", "Mr./Ms. X is a ")).replace(
            "Mr./Ms. X", ("Ms. " if self.female else "Mr. ") + self.rng.choice(self.common.doctors)))
        b.add(f"{self.age_str} {self.sexword}")
        if self.comorbid and rng.random() < 0.75:
            b.add(rng.choice((" with a history of ", " with a past medical history significant for ", " with PMH of ",
                              " with known ")))
            for i, c in enumerate(self.comorbid[:3]):
                if i:
                    b.add(", " if i < len(self.comorbid[:3]) - 1 else " and ")
                self.cond(c, "present")
        b.add(rng.choice((" who presents with ", " who is seen today for ", " referred for evaluation of ",
                          " who comes in complaining of ", " presenting with ", " who presents for follow-up of ")))
        if rng.random() < 0.6:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            if rng.random() < 0.5:
                b.add(" and ")
                self.cond(self.main, "present")
        else:
            self.cond(self.main, "present")
        b.add(". ")

    def negatives(self, k: int | None = None) -> None:
        rng, b = self.rng, self.b
        k = k or rng.randint(2, 5)
        pool = list(self.kb.ros_negatives) + list(self.k["symptoms"])
        picks: list[Sym] = []
        seen = set()
        for sy in rng.sample(pool, min(len(pool), k + 3)):
            if sy.text not in seen and sy.text != "":
                seen.add(sy.text)
                picks.append(sy)
            if len(picks) == k:
                break
        b.add(rng.choice(("{He} denies ", "Denies ", "No ", "Negative for ", "{He} reports no ", "Pt denies ")).replace(
            "{He}", self.he.capitalize()))
        for i, sy in enumerate(picks):
            if i:
                last = (" or ", " and ", ", ") if len(picks) == 2 else (", or ", " or ", ", and ", " and ", ", ")
                b.add(", " if i < len(picks) - 1 else rng.choice(last))
            self.sym(sy, "negated")
        b.add(". ")

    def sec_hpi(self) -> None:
        rng = self.rng
        self.hdr("HISTORY OF PRESENT ILLNESS", "HISTORY OF PRESENT ILLNESS", "HPI", "HISTORY")
        if self.is_child and self.service == "pediatrics" and rng.random() < 0.4:
            self.say(rng.choice(("Mother brings in this ", "Parents bring in this ", "Here with mom, a ")))
            self.b.add(f"{self.age_str} ")
            self.b.add(rng.choice(("boy", "male") if not self.female else ("girl", "female")))
            self.b.add(" for ")
            self.cond(self.main, "present")
            self.b.add(". ")
        else:
            self.opener()
        self.sentences(self.k["phrases"], self.vcount(2, 4, 5))
        self.b.raw(" ")
        self.sentences(self.common.generic_hpi, self.vcount(1, 2, 4))
        self.b.raw(" ")
        self.drug_prose(self.vcount(0, 1, 3))
        if rng.random() < 0.75:
            self.negatives()
        if rng.random() < 0.3:
            self.b.add(rng.choice(("{He} has a remote history of ", "Prior history of ", "{He} had ")).replace(
                "{He}", self.he.capitalize()))
            c = rng.choice(self.kb.services[rng.choice(SERVICES)]["conditions"])
            self.cond(c, "historical")
            self.b.add(rng.choice((" years ago.", ", resolved.", " in the past. ", " as a child.")))

    def drug_prose(self, k: int) -> None:
        rng, b = self.rng, self.b
        for _ in range(k):
            e = self.any_drug()
            if e is None:
                return
            st = rng.choice(("negated", "discontinued", "historical", "hypothetical", "current", "discontinued"))
            He = self.he.capitalize()
            if st == "negated":
                b.add(rng.choice((f"{He} denies taking ", f"{He} is not on ", "Not currently taking ", "No ",
                                  f"{He} has never taken ", f"{He} is not taking any ")))
                self.dw.mention(e, "negated", attrs=False)
                b.add(rng.choice((". ", " at home. ", " currently. ", ". ")))
            elif st == "discontinued":
                if rng.random() < 0.5:
                    self.dw.mention(e, "discontinued", attrs=rng.random() < 0.3)
                    b.add(rng.choice((" was discontinued", " was stopped", " was held", " has been discontinued")))
                    b.add(rng.choice((" due to side effects. ", " because of cough. ", ". ", " secondary to nausea. ",
                                      " by the previous provider. ", " prior to admission. ")))
                else:
                    b.add(rng.choice((f"{He} stopped taking ", "Discontinued ", "D/c'd ", f"{He} self-discontinued ",
                                      "We will stop ", "Hold ")))
                    self.dw.mention(e, "discontinued", attrs=rng.random() < 0.3)
                    b.add(rng.choice((" several weeks ago. ", ". ", " last month. ", " for now. ")))
            elif st == "historical":
                b.add(rng.choice((f"{He} was previously on ", f"{He} took ", "Prior trial of ", f"{He} has tried ",
                                  "History of treatment with ")))
                self.dw.mention(e, "historical", attrs=rng.random() < 0.3)
                b.add(rng.choice((" in the past. ", " without benefit. ", " years ago. ", " with some improvement. ")))
            elif st == "hypothetical":
                b.add(rng.choice(("Will start ", "Plan to start ", "Consider starting ", "We discussed starting ",
                                  "If symptoms persist, may try ", "May benefit from ")))
                self.dw.mention(e, "hypothetical", attrs=rng.random() < 0.5)
                b.add(". ")
            else:
                b.add(rng.choice((f"{He} takes ", f"{He} is currently on ", f"{He} has been taking ", "Currently on ")))
                self.dw.mention(e, "current", attrs=rng.random() < 0.6)
                b.add(rng.choice((". ", " with good effect. ", " and tolerates it well. ", " as prescribed. ")))
        if self.xr.random() < 0.3:
            self.class_sentence()
        if self.xr.random() < 0.1:
            self.b.raw(neg.fill(self.xr, self.xr.choice(neg.negatives().supplement_sentences), he=self.he) + " ")

    def class_sentence(self) -> None:
        """A sentence naming a drug class ("Not on any statins."): a ``DRUG_CLASS`` span, never a drug."""
        xr, b = self.xr, self.b
        row = xr.choice(neg.negatives().class_sentences)
        singular, plurals = _written_classes()
        one, many = xr.choice(singular), xr.choice(plurals)
        for i, piece in enumerate(_SLOT.split(row.text)):
            if piece in ("{CL}", "{CLS}"):
                surface = many if piece == "{CL}" else one
                if i == 1 and row.text.startswith(piece):   # first word of the sentence
                    surface = surface[0].upper() + surface[1:]
                b.span(surface, DRUG_CLASS_LABEL, status=row.status)
            elif piece == "{a}":
                b.raw(neg.article(one))
            elif piece in ("{He}", "{his}"):
                b.raw(self.he.capitalize() if piece == "{He}" else self.his)
            elif piece:
                b.raw(piece)
        b.raw(" ")

    def sec_pmh(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PAST MEDICAL HISTORY", "PAST MEDICAL HISTORY", "PMH", "MEDICAL HISTORY", "PAST HISTORY")
        conds = list(self.comorbid)
        if rng.random() < 0.5:
            conds.append(self.main if rng.random() < 0.5 else self.second)
        if not conds:
            b.add(rng.choice(("Noncontributory.", "None.", "Negative.", "Unremarkable.")))
            return
        style = rng.randrange(3)
        for i, c in enumerate(conds):
            if style == 0:
                if i:
                    b.add(", ")
                self.cond(c, "present")
            elif style == 1:
                if i:
                    b.nl()
                b.raw(f"{i + 1}. " if rng.random() < 0.7 else "- ")
                self.cond(c, "present")
                b.add("." if rng.random() < 0.4 else "")
            else:
                if i:
                    b.add(". ")
                if rng.random() < 0.3:
                    b.add("History of ")
                self.cond(c, "present")
        b.add("." if style != 1 else "")

    def sec_psh(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PAST SURGICAL HISTORY", "PSH", "SURGICAL HISTORY")
        other = rng.sample(list(SERVICES), 2) if not self.is_child else ["ent"] * (rng.random() < 0.3)
        procs = [rng.choice(self.kb.services[o]["procedures"]) for o in other if o not in ("psychiatry", "pediatrics")]
        if rng.random() < 0.4:
            procs.append(self.proc)
        if not procs or rng.random() < 0.15:
            b.add(rng.choice(("None.", "Negative.", "No prior surgeries.")))
            return
        b.add(", ".join(p[0].upper() + p[1:] if rng.random() < 0.3 else p for p in procs) + ".")

    def sec_meds(self, title: str | None = None, status: str = "current") -> None:
        rng, b = self.rng, self.b
        if title:
            self.H(title)
        else:
            self.hdr("MEDICATIONS", "MEDICATIONS", "CURRENT MEDICATIONS", "HOME MEDICATIONS", "MEDS",
                     "OUTPATIENT MEDICATIONS", "MEDICATIONS ON ADMISSION")
        meds = self.meds
        if not meds:
            b.add(rng.choice(("None.", "No regular medications.", "Denies.", "None at this time.")))
            return
        style = rng.randrange(6)
        lower = rng.random() < 0.3
        if style == 0:  # comma list with sigs
            for i, e in enumerate(meds):
                if i:
                    b.add(", " if rng.random() < 0.8 else "; ")
                self.dw.mention(e, status, lowercase=lower, fmt=rng.choice((("D", "S", "Q"), ("D", "S"), ("D",),
                                                                            ("D", "S", "R", "Q"))))
            b.add(".")
        elif style == 1 or style == 5:  # numbered or dashed list
            for i, e in enumerate(meds):
                if i:
                    b.nl()
                b.raw(f"{i + 1}. " if style == 1 else rng.choice(("- ", "* ", "")))
                self.dw.mention(e, status, lowercase=lower)
                b.add("." if rng.random() < 0.3 else "")
        elif style == 2:  # table
            if rng.random() < 0.5 and b.layout != "mts":
                b.raw("Medication              Dose      Route   Frequency")
            for e in meds:
                b.nl()
                self.dw.table_row(e)
        elif style == 3:  # prose
            b.add(f"{self.he.capitalize()} takes ")
            for i, e in enumerate(meds):
                if i:
                    b.add(", " if i < len(meds) - 1 else " and ")
                self.dw.mention(e, status,
                                fmt=rng.choice((("D", "S", "Q"), ("D", "S", "R", "Q"), ("D", "O", "R", "Q"))))
            b.add(".")
        else:  # one per line, terse
            for i, e in enumerate(meds):
                if i:
                    b.nl()
                self.dw.mention(e, status, lowercase=True,
                                fmt=rng.choice((("D", "S", "O", "R", "Q"), ("D", "F", "S", "Q"),
                                                ("D", "S", "F", "O", "R", "Q"))))

    def sec_allergies(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("ALLERGIES", "ALLERGIES", "DRUG ALLERGIES", "ALLERGIES/INTOLERANCES", "ALL")
        if rng.random() < 0.55:
            b.add(rng.choice(("NKDA.", "No known drug allergies.", "NKDA", "None known.", "No known allergies.",
                              "NKA.")))
            return
        n = rng.choice((1, 1, 2, 3))
        picks = rng.sample(self.drug_table.allergy_drugs, n)
        for i, name in enumerate(picks):
            if i:
                b.add(rng.choice((", ", "; ", " and ")))
            if name in self.drug_table.non_drug_allergens or not self.s.allowed_drug_name(name):
                if self.s.excluded_drug_name(name):  # a held-out name is written without a span; an excluded one not
                    name = self.drug_table.non_drug_allergens[i % len(self.drug_table.non_drug_allergens)]
                b.add(name.capitalize() if rng.random() < 0.5 else name)
            else:
                info = lex.resolve_drug(name)
                g = b.new_group()
                surface = name.capitalize() if rng.random() < 0.6 else name
                if name == "sulfamethoxazole" and rng.random() < 0.6:
                    surface = rng.choice(("sulfa", "Sulfa", "sulfa drugs"))
                if surface == "sulfa drugs":   # a class, not the drug
                    b.span(surface, DRUG_CLASS_LABEL, status="allergy")
                else:
                    b.span(surface, "DRUG", group=g, status="allergy", code=info.drugbank_id if info else None,
                           meta={"drug": name, "canonical": info.canonical if info else name})
            if rng.random() < 0.6:
                reaction = rng.choice(self.drug_table.allergy_reactions)
                b.add(rng.choice((f" ({reaction})", f" - {reaction}", f", causes {reaction}", f" ({reaction})")))
        if self.xr.random() < 0.3:
            cls = self.xr.choice(neg.negatives().allergy_classes)
            b.raw(self.xr.choice((", ", "; ", " and ")))
            b.span(cls if self.xr.random() < 0.6 else cls[0].upper() + cls[1:], DRUG_CLASS_LABEL, status="allergy")
        b.add(".")

    def sec_social(self) -> None:
        self.hdr("SOCIAL HISTORY", "SOCIAL HISTORY", "SH", "SOCIAL")
        pool = self.common.peds_social if self.is_child and self.age_years < 14 else self.common.social
        self.sentences(pool, self.vcount(1, 2, 3))

    def sec_family(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("FAMILY HISTORY", "FAMILY HISTORY", "FH", "FAMILY MEDICAL HISTORY")
        if rng.random() < 0.2:
            b.add(rng.choice(("Noncontributory.", "Unremarkable.", "Negative for similar problems.")))
            return
        n = rng.choice((1, 1, 2, 3))
        for i, c in enumerate(rng.sample(self.kb.family, n)):
            if i:
                b.add(" ")
            rel = rng.choice(self.common.relatives)
            if rng.random() < 0.5:
                b.add(rel.capitalize() + rng.choice((" with ", " had ", " has ", " died of ")))
                self.cond(c, "family")
                b.add(".")
            else:
                b.add("Positive for ")
                self.cond(c, "family")
                b.add(f" in {self.his} {rel}.")

    def sec_ros(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("REVIEW OF SYSTEMS", "REVIEW OF SYSTEMS", "ROS")
        if self.service == "general_medicine" and rng.random() < 0.7:
            systems = self.common.review_of_systems
            n = len(systems) if self.verbosity != "short" else rng.randint(5, len(systems))
            for i, row in enumerate(systems[:n]):
                if i:
                    b.nl() if rng.random() < 0.6 else b.raw(" ")
                b.raw(f"{row.system}: ")
                self.say(rng.choice(row.options))
            return
        if self.verbosity == "short" or rng.random() < 0.4:
            b.add("Positive for ")
            self.sym(rng.choice(self.k["symptoms"]), "present")
            b.add(". ")
            self.negatives()
            b.add(rng.choice(("All other systems reviewed and negative.", "Otherwise negative.", "")))
            return
        systems = ("Constitutional", "HEENT", "Cardiovascular", "Respiratory", "GI", "GU", "Musculoskeletal",
                   "Neurologic", "Psychiatric", "Skin")
        for i, sysname in enumerate(rng.sample(systems, rng.randint(3, 7))):
            if i:
                b.nl() if rng.random() < 0.5 else b.raw(" ")
            b.raw(f"{sysname}: ")
            if rng.random() < 0.25:
                self.sym(rng.choice(self.k["symptoms"]), "present")
                b.add(".")
            else:
                self.negatives(rng.randint(1, 3))

    def sec_exam(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PHYSICAL EXAMINATION", "PHYSICAL EXAMINATION", "PHYSICAL EXAM", "EXAM", "EXAMINATION")
        vit = rng.random()
        if vit < 0.7:
            if self.is_child:
                b.add(f"Vitals: Temp {rng.randint(97, 103)}.{rng.randint(0, 9)}, HR {rng.randint(90, 170)}, "
                      f"RR {rng.randint(22, 50)}, weight {rng.randint(3, 14)}.{rng.randint(0, 9)} kg. ")
            else:
                b.add(f"VITAL SIGNS: BP {rng.randint(96, 182)}/{rng.randint(54, 104)}, pulse {rng.randint(52, 118)}, "
                      f"respirations {rng.randint(12, 26)}, temperature {rng.randint(97, 101)}.{rng.randint(0, 9)}, "
                      f"O2 sat {rng.randint(88, 100)}%. ")
        k = self.vcount(3, 6, 9)
        systems = list(self.common.generic_exam)
        chosen = systems[:2] + rng.sample(systems[2:], min(max(k - 2, 0), len(systems) - 2))
        specific = rng.sample(self.k["exam"], min(len(self.k["exam"]), self.vcount(1, 2, 3) + 1))
        for sysname in chosen:
            b.nl()
            b.raw(f"{sysname}: ")
            self.say(rng.choice(self.common.generic_exam[sysname]))
            if specific and rng.random() < 0.35:
                b.raw(" ")
                self.say(specific.pop())
        for t in specific:
            b.nl()
            self.say(t)
        self.exam_blocks()
        if self.xr.random() < 0.15:
            b.nl()
            b.raw(neg.lab_line(self.xr))

    def exam_blocks(self) -> None:
        """Service-typical structured exam paragraphs (neuro exam, mental status, skin, ENT, eye ...)."""
        rng, b = self.rng, self.b
        blocks = self.k.get("exam_blocks") or ()
        if not blocks or rng.random() < {"short": 0.6, "medium": 0.35, "long": 0.15, "xlong": 0.05}[self.verbosity]:
            return
        n = len(blocks) if self.verbosity in ("long", "xlong") else rng.randint(1, len(blocks))
        for title, options in blocks[:n]:
            b.nl()
            b.raw(f"{title if self.header_case == 'upper' else title.title()}: ")
            self.say(rng.choice(options))

    def sec_data(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("LABORATORY DATA", "LABS", "DIAGNOSTIC DATA", "LABORATORY AND IMAGING", "STUDIES")
        labs = rng.sample(self.k["labs"], min(len(self.k["labs"]), rng.randint(1, 4)))
        b.add(", ".join(self._fill(x) for x in labs).capitalize() + ". ")
        if self.xr.random() < 0.6:   # analytes with a value are labs, not medications
            b.raw(neg.lab_line(self.xr) + " ")
        if self.xr.random() < 0.2:
            b.raw(neg.fill(self.xr, self.xr.choice(neg.negatives().note_genetics)) + " ")
        if rng.random() < 0.7:
            b.add(self.test[0].upper() + self.test[1:] + rng.choice((": ", ": ", " results: ")))
            self.sentences(self.k["findings"], self.vcount(1, 1, 3))

    def _fill(self, t: str) -> str:
        return re.sub(r"\{([a-z0-9]+)\}", lambda m: self.num(m.group(1)), t)

    def sec_assessment(self, title: str | None = None, with_plan: bool = True) -> None:
        rng, b = self.rng, self.b
        if title:
            self.H(title)
        else:
            self.hdr("ASSESSMENT AND PLAN", "IMPRESSION AND PLAN", "ASSESSMENT/PLAN", "A/P", "IMPRESSION",
                     "ASSESSMENT")
        items = [self.main]
        if rng.random() < 0.5:
            items.append(self.second)
        gm = self.service == "general_medicine"
        items += self.comorbid if gm else self.comorbid[: rng.randint(0, 3)]
        if gm and rng.random() < 0.5:
            rng.shuffle(items)
        numbered = rng.random() < 0.6
        for i, c in enumerate(items):
            if numbered:
                if i:
                    b.nl()
                b.raw(f"{i + 1}. ")
            elif i:
                b.raw(" ")
            self.cond(c, "present")
            b.add("." if rng.random() < 0.6 else ":")
            own = self.common.problem_plans.get(c.code)
            if with_plan and own and c is not self.main and (gm or rng.random() < 0.5):
                b.raw(" ")
                self.say(rng.choice(own))
            elif with_plan and (i == 0 or (gm and rng.random() < 0.7) or rng.random() < 0.4):
                b.raw(" ")
                self.sentences(self.k["plan"], self.vcount(1, 2, 3) if i == 0 else 1)
        if rng.random() < 0.4:
            b.raw(" ")
            b.add(rng.choice(("Rule out ", "Differential includes ", "Concern for possible ", "Will evaluate for ",
                              "Cannot exclude ")))
            c = rng.choice(self.k["conditions"])
            self.cond(c, "hypothetical")
            b.add(".")
        if with_plan and rng.random() < 0.6:
            b.raw(" ")
            self.drug_prose(1)
        if gm and with_plan and rng.random() < 0.6:
            self.hdr("HEALTH MAINTENANCE", "PREVENTIVE CARE", "HEALTH MAINTENANCE")
            self.sentences(self.common.health_maintenance, self.vcount(1, 2, 3) + 1)

    def sec_plan(self) -> None:
        self.hdr("PLAN", "RECOMMENDATIONS", "PLAN", "DISPOSITION AND PLAN")
        self.sentences(self.k["plan"], self.vcount(1, 3, 5))
        if self.rng.random() < 0.6:
            self.b.raw(" ")
            self.drug_prose(1)
        if self.rng.random() < 0.3:
            self.b.raw(" ")
            self.b.add(self.rng.choice(("Return to clinic in 2 weeks.", "Follow up as scheduled.",
                                        f"Follow up with Dr. {self.dr2} in 1 month.", "RTC prn.")))

    def sec_inline_discharge_meds(self) -> None:
        rng, b = self.rng, self.b
        e = self.any_drug()
        if e is None:
            return
        b.add(rng.choice(("Discharged home on ", "Prescription given for ", "Rx: ", "Sent home with ")))
        self.dw.mention(e, "current")
        b.add(".")

