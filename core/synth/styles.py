"""Note styles: which sections a consult, H&P, operative note, diagnostic report, SOAP note, discharge
summary, letter or progress note contains, in what order and wording (one ``_style_<name>`` per
:data:`core.synth.tables.STYLES`)."""

from __future__ import annotations

from core.synth import negatives as neg
from core.synth.sections import SectionWriter


class NoteWriter(SectionWriter):
    """Writes one note in its style (see :meth:`write`)."""

    # --------------------------------------------------------------------------------- write
    def write(self) -> None:
        if self.xr.random() < 0.35:   # a header naming the patient and a provider: names are never drugs
            sep = "," if self.b.layout == "mts" else "\n"
            self.b.raw(neg.header(self.xr, age=self.age_str, sex=self.sexword, known_surnames=self.common.doctors,
                                  sep=sep) + sep + ("" if sep == "," else "\n" * self.xr.randint(0, 1)))
        getattr(self, f"_style_{self.style}")()
        extra = [self.sec_data, self.sec_plan, self.sec_family, self.sec_social]
        while len(self.b.text.split()) < 70 and extra:
            extra.pop(self.rng.randrange(len(extra)))()
        if self.b.layout != "mts" and self.rng.random() < 0.5:
            self.b.raw("\n")


    # ---- styles
    def _title(self) -> None:
        if self.rng.random() < 0.45:
            self.b.raw(self.rng.choice(self.k["titles"]))
            self.b.raw("," if self.b.layout == "mts" else "\n")

    def _style_consult(self) -> None:
        rng, b = self.rng, self.b
        self._title()
        if rng.random() < 0.6:
            self.hdr("REASON FOR CONSULTATION", "REASON FOR REFERRAL", "CONSULTING PHYSICIAN", "REQUESTING PHYSICIAN")
            b.add(rng.choice(("Evaluation of ", "Consultation for ", "Management of ", "Possible ")))
            self.cond(self.main, "present" if rng.random() < 0.8 else "hypothetical")
            b.add(rng.choice((".", f". Requested by Dr. {self.dr}.", "")))
        self.sec_hpi()
        optional = [self.sec_pmh, self.sec_psh, self.sec_meds, self.sec_allergies, self.sec_social, self.sec_family]
        p_keep = {"short": 0.45, "medium": 0.75, "long": 0.95, "xlong": 1.0}[self.verbosity]
        keep = [f for f in optional if rng.random() < p_keep]
        if rng.random() < 0.3:
            rng.shuffle(keep)
        for f in keep:
            f()
        if self.verbosity != "short" and rng.random() < 0.6:
            self.sec_ros()
        self.sec_exam()
        if rng.random() < 0.6:
            self.sec_data()
        self.sec_assessment()
        if rng.random() < 0.3:
            b.add(" Thank you for this consultation. We will follow along with you.")

    def _style_history_physical(self) -> None:
        rng = self.rng
        self._title()
        self.sec_cc()
        self.sec_hpi()
        sections = [self.sec_pmh, self.sec_psh, self.sec_meds, self.sec_allergies, self.sec_social, self.sec_family]
        if rng.random() < 0.25:
            i = rng.randrange(len(sections) - 1)
            sections[i], sections[i + 1] = sections[i + 1], sections[i]
        for f in sections:
            if rng.random() < {"short": 0.6, "medium": 0.85, "long": 1.0, "xlong": 1.0}[self.verbosity]:
                f()
        if rng.random() < 0.7:
            self.sec_ros()
        self.sec_exam()
        if rng.random() < 0.5:
            self.sec_data()
        self.sec_assessment()

    def _style_soap(self) -> None:
        rng, b = self.rng, self.b
        self.H("SUBJECTIVE" if rng.random() < 0.8 else "S")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 3))
        b.raw(" ")
        self.sentences(self.common.generic_hpi, self.vcount(0, 1, 3))
        b.raw(" ")
        if rng.random() < 0.7:
            self.negatives()
        if rng.random() < 0.6:
            self.drug_prose(1)
        if rng.random() < 0.6:
            self.sec_meds()
        if rng.random() < 0.5:
            self.sec_allergies()
        self._more_history()
        self.H("OBJECTIVE" if rng.random() < 0.8 else "O")
        b.add(f"Vitals: BP {self.num('sbp')}/{self.num('dbp')}, HR {self.num('hr')}, temp 98.{self.num('n')}. ")
        self.sentences(self.k["exam"], self.vcount(1, 2, 4))
        self._more_exam()
        if rng.random() < 0.4:
            b.raw(" ")
            self.sentences(self.k["findings"], 1)
        self.sec_assessment(rng.choice(("ASSESSMENT", "A", "ASSESSMENT")), with_plan=False)
        self.H(rng.choice(("PLAN", "P", "PLAN")))
        self.sentences(self.k["plan"], self.vcount(1, 3, 4))
        if rng.random() < 0.7:
            b.raw(" ")
            self.drug_prose(1)

    def _style_progress_note(self) -> None:
        rng, b = self.rng, self.b
        if rng.random() < 0.5:
            b.raw(rng.choice(("PROGRESS NOTE", "FOLLOW-UP VISIT", "CLINIC NOTE", "Follow-up note")))
            b.raw("," if b.layout == "mts" else "\n")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 3))
        b.raw(" ")
        self.sentences(self.common.generic_hpi, self.vcount(0, 1, 2))
        b.raw(" ")
        if rng.random() < 0.5:
            self.negatives()
        if rng.random() < 0.5:
            self.sec_meds()
        if rng.random() < 0.3:
            self.sec_allergies()
        self._more_history()
        self.hdr("EXAM", "PHYSICAL EXAMINATION", "ON EXAM")
        self.sentences(self.k["exam"], self.vcount(1, 2, 3))
        self._more_exam()
        self.sec_assessment(rng.choice(("ASSESSMENT AND PLAN", "IMPRESSION", "A/P", "PLAN")))

    def _more_history(self) -> None:
        """Long follow-up notes also restate history (and, for primary care, a full review of systems)."""
        if self.verbosity not in ("long", "xlong"):
            return
        rng = self.rng
        if rng.random() < 0.6:
            self.sec_pmh()
        if rng.random() < 0.35:
            self.sec_social()
        if self.service == "general_medicine" or rng.random() < 0.3:
            self.sec_ros()

    def _more_exam(self) -> None:
        rng = self.rng
        if self.verbosity in ("long", "xlong"):
            self.exam_blocks()
            if rng.random() < 0.5:
                self.sec_data()

    def _style_operative(self) -> None:
        rng, b = self.rng, self.b
        if self.service == "psychiatry":
            return self._style_consult()
        if rng.random() < 0.4:
            b.raw(rng.choice(("OPERATIVE REPORT", "PROCEDURE NOTE", "OPERATIVE NOTE", "BRIEF OPERATIVE NOTE")))
            b.raw("," if b.layout == "mts" else "\n")
        self.hdr("PREOPERATIVE DIAGNOSIS", "PREOPERATIVE DIAGNOSES", "PRE-OP DIAGNOSIS", "PREPROCEDURE DIAGNOSIS")
        self.cond(self.main, "present")
        if rng.random() < 0.3:
            b.add(", ")
            self.cond(self.second, "present")
        self.hdr("POSTOPERATIVE DIAGNOSIS", "POSTOPERATIVE DIAGNOSES", "POST-OP DIAGNOSIS", "POSTPROCEDURE DIAGNOSIS")
        if rng.random() < 0.5:
            b.add(rng.choice(("Same.", "Same as above.", "Same")))
        else:
            self.cond(self.main, "present")
        self.hdr("PROCEDURE PERFORMED", "PROCEDURE", "PROCEDURES PERFORMED", "OPERATION", "NAME OF PROCEDURE")
        b.add(self.proc[0].upper() + self.proc[1:] + ".")
        if rng.random() < 0.7:
            self.hdr("SURGEON", "ATTENDING SURGEON", "PERFORMING PHYSICIAN")
            b.add(f"{self.dr2.upper() if rng.random() < 0.2 else self.dr2}, M.D." if rng.random() < 0.5
                  else f"Dr. {self.dr2}")
        self.hdr("ANESTHESIA", "ANESTHESIA", "TYPE OF ANESTHESIA")
        a = rng.random()
        if a < 0.45:
            b.add(rng.choice(("General endotracheal anesthesia.", "General.", "General via LMA.",
                              "General endotracheal.")))
        elif a < 0.7:
            b.add(rng.choice(("Monitored anesthesia care with ", "MAC with ", "IV sedation with ",
                              "Conscious sedation using ")))
            e1, e2 = self._entry_for("midazolam"), self._entry_for("fentanyl")
            if e1 is not None and e2 is not None:
                self.dw.mention(e1, "current", fmt=("D", "S", "R") if rng.random() < 0.5 else ("D",))
                b.add(" and ")
                self.dw.mention(e2, "current", fmt=("D", "S", "R") if rng.random() < 0.5 else ("D",))
            else:
                b.add("moderate sedation")
            b.add(".")
        elif a < 0.9:
            b.add(rng.choice(("Local with ", "Local anesthesia using ", "Local infiltration with ")))
            self.say(rng.choice(("[[lidocaine|local anesthetic]] with epinephrine.",
                                 "[[bupivacaine|local anesthetic]].", "1% [[lidocaine|local anesthetic]].")))
        else:
            b.add(rng.choice(("Spinal.", "Epidural.", "Regional block.")))
        if rng.random() < 0.7:
            self.hdr("ESTIMATED BLOOD LOSS", "EBL", "BLOOD LOSS")
            b.add(rng.choice(("Minimal.", "Less than 10 mL.", f"{rng.randint(1, 40) * 10} mL.", "Negligible.")))
        if rng.random() < 0.6:
            self.hdr("COMPLICATIONS")
            b.add(rng.choice(("None.", "None apparent.", "No immediate complications.")))
        if rng.random() < 0.4:
            self.hdr("SPECIMENS", "SPECIMEN")
            b.add(rng.choice(("Sent to pathology.", "None.", "As above to pathology.")))
        if rng.random() < 0.75:
            self.hdr("INDICATIONS", "INDICATIONS FOR PROCEDURE", "INDICATIONS FOR OPERATION", "HISTORY")
            self.opener()
            self.sentences(self.k["phrases"], self.vcount(0, 2, 3))
            b.add(rng.choice((" Risks, benefits and alternatives were discussed and informed consent was obtained.",
                              " The risks and benefits were explained and the patient wished to proceed.", "")))
        if rng.random() < 0.5:
            self.hdr("FINDINGS", "OPERATIVE FINDINGS")
            self.sentences(self.k["findings"], self.vcount(1, 2, 2))
        self.hdr("PROCEDURE IN DETAIL", "DESCRIPTION OF PROCEDURE", "PROCEDURE DETAILS", "DETAILS OF PROCEDURE",
                 "PROCEDURE NOTE")
        if self.verbosity in ("long", "xlong") and rng.random() < 0.7:
            n_open = self.vcount(1, 2, 2)
            opening = self.common.op_open
            for t in [opening[i] for i in sorted(rng.sample(range(len(opening)), min(n_open, len(opening))))]:
                self.say(t)
                b.raw(" ")
        else:
            b.add(rng.choice(("The patient was brought to the operating room and placed in the supine position. ",
                              "After informed consent was obtained, the patient was taken to the procedure room. ",
                              "The patient was identified in the holding area and brought back to the OR. ")))
            b.add(rng.choice((
                "After adequate anesthesia, the area was prepped and draped in the usual sterile fashion. ",
                "A time-out was performed. ", "")))
        details = list(self.k["op_details"])
        if self.case is not None:
            k = min(len(details), self.vcount(4, 6, 7))
            seq = [details[i] for i in sorted(rng.sample(range(len(details)), k))]
        else:
            k = min(len(details), self.vcount(3, 5, 7))
            start = rng.randrange(0, max(1, len(details) - k + 1))
            seq = details[start:start + k] if rng.random() < 0.85 else rng.sample(details, k)
        for i, t in enumerate(seq):
            if i:
                b.raw(" ")
            self.say(t)
        if self.verbosity in ("long", "xlong") and rng.random() < 0.7:
            n_close = self.vcount(1, 2, 2)
            closing = self.common.op_close
            for t in [closing[i] for i in sorted(rng.sample(range(len(closing)), min(n_close, len(closing))))]:
                b.raw(" ")
                self.say(t)
        b.add(rng.choice((
            " The patient tolerated the procedure well and was taken to the recovery room in stable condition.",
            " Sponge and needle counts were correct. The patient was awakened and transferred to PACU in good"
            " condition.",
            " There were no complications.")))
        if rng.random() < 0.4:
            self.hdr("DISPOSITION", "PLAN", "POSTOPERATIVE PLAN")
            self.sentences(self.k["plan"], self.vcount(1, 2, 2))
            if rng.random() < 0.5:
                b.raw(" ")
                self.sec_inline_discharge_meds()

    def _style_diagnostic_report(self) -> None:
        rng, b = self.rng, self.b
        test = self.test
        b.raw(test.upper() if rng.random() < 0.7 else rng.choice(self.k["titles"]))
        b.raw("," if b.layout == "mts" else "\n")
        if rng.random() < 0.5:
            b.add(f"Referring physician: Dr. {self.dr}. ")
        self.hdr("INDICATION", "INDICATIONS", "CLINICAL HISTORY", "REASON FOR STUDY", "HISTORY")
        if rng.random() < 0.5:
            b.add(f"{self.age_str} {self.sexword} with ")
        if rng.random() < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            b.add(rng.choice((". ", ", ")))
            if rng.random() < 0.5:
                b.add(rng.choice(("Rule out ", "Evaluate for ", "Assess for ")))
                self.cond(self.main, "hypothetical")
                b.add(".")
        else:
            self.cond(self.main, "present")
            b.add(".")
        if self.comorbid and rng.random() < 0.4:
            b.add(" History of ")
            self.cond(self.comorbid[0], "present")
            b.add(".")
        if self.verbosity != "short" or rng.random() < 0.5:
            self.hdr("PROCEDURE", "TECHNIQUE", "DESCRIPTION", "METHODS")
            k = self.vcount(2, 3, 4)
            self.sentences(self.k["op_details"], k)
        if self.service == "gastroenterology" and rng.random() < 0.6:
            self.hdr("MEDICATIONS", "SEDATION")
            first = True
            for name in ("fentanyl", "midazolam", "propofol"):
                e = self._entry_for(name)
                if e is not None and rng.random() < 0.7:
                    if not first:
                        b.add(", ")
                    first = False
                    g = self.dw.mention(e, "current", attrs=False)
                    b.raw(" ")
                    b.span(f"{rng.choice((25, 50, 75, 100))} {'mcg' if name == 'fentanyl' else 'mg'}", "DOSE", group=g)
                    if rng.random() < 0.5:
                        b.raw(" ")
                        b.span("IV", "ROUTE", group=g)
            if first:
                b.add("Moderate sedation per anesthesia.")
        if rng.random() < 0.4:
            self.hdr("COMPARISON", "PRIOR STUDIES")
            b.add(rng.choice(("None.", "None available.", f"Prior study from {rng.randint(2, 11)} months ago.")))
        self.hdr("FINDINGS", "FINDINGS", "RESULTS", "INTERPRETATION")
        self.sentences(self.k["findings"], self.vcount(3, 4, 6))
        if rng.random() < 0.4:
            b.raw(" ")
            b.add(rng.choice(("There is no evidence of ", "No ", "Negative for ")))
            self.cond(rng.choice(self.k["conditions"]), "negated")
            b.add(".")
        self.hdr("IMPRESSION", "IMPRESSION", "CONCLUSION", "SUMMARY")
        self.cond(self.main, "present")
        b.add(rng.choice((".", " as above.", ". Clinical correlation recommended.", ".")))
        if rng.random() < 0.5:
            self.hdr("RECOMMENDATIONS", "PLAN")
            self.sentences(self.k["plan"], self.vcount(1, 1, 3))

    def _style_discharge_summary(self) -> None:
        rng, b = self.rng, self.b
        b.raw(rng.choice(("DISCHARGE SUMMARY", "DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY")))
        b.raw("," if b.layout == "mts" else "\n")
        self.hdr("ADMISSION DIAGNOSIS", "ADMITTING DIAGNOSIS", "ADMISSION DIAGNOSES")
        if rng.random() < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
        else:
            self.cond(self.main, "present")
        self.hdr("DISCHARGE DIAGNOSES", "DISCHARGE DIAGNOSIS", "FINAL DIAGNOSES")
        dx = [self.main] + self.comorbid[:rng.randint(0, 4)]
        for i, c in enumerate(dx):
            if i:
                b.nl()
            b.raw(f"{i + 1}. ")
            self.cond(c, "present")
        if rng.random() < 0.6:
            self.hdr("PROCEDURES", "PROCEDURES PERFORMED", "CONSULTATIONS")
            b.add(self.proc[0].upper() + self.proc[1:] + ".")
        if rng.random() < 0.5:
            self.sec_pmh()
        self.hdr("HOSPITAL COURSE", "HOSPITAL COURSE", "BRIEF HOSPITAL COURSE", "HISTORY AND HOSPITAL COURSE")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 3, 5))
        b.raw(" ")
        self.sentences(self.common.generic_hpi, self.vcount(0, 1, 2))
        b.raw(" ")
        b.add(rng.choice((f"{self.he.capitalize()} underwent {self.proc} without complications. ",
                          f"{self.test[0].upper() + self.test[1:]} was obtained. ", "")))
        self.sentences(self.k["findings"], self.vcount(0, 1, 2))
        b.raw(" ")
        self.drug_prose(self.vcount(1, 1, 3))
        self.sec_meds(rng.choice(("DISCHARGE MEDICATIONS", "MEDICATIONS AT DISCHARGE", "DISCHARGE MEDS")))
        if rng.random() < 0.5:
            self.sec_allergies()
        self.hdr("CONDITION ON DISCHARGE", "CONDITION AT DISCHARGE", "DISCHARGE CONDITION")
        b.add(rng.choice(("Stable.", "Good.", "Improved.", "Fair.")))
        self.hdr("DISPOSITION", "DISCHARGE DISPOSITION")
        b.add(rng.choice(("Home.", "Home with home health.", "Skilled nursing facility.", "Home with family.")))
        self.hdr("FOLLOW-UP", "FOLLOW UP", "DISCHARGE INSTRUCTIONS")
        b.add(f"Follow up with Dr. {self.dr2} in {rng.randint(1, 4)} weeks. ")
        self.sentences(self.k["plan"], self.vcount(1, 2, 3))

    def _style_letter(self) -> None:
        rng, b = self.rng, self.b
        nl2 = (lambda: b.raw(" ")) if b.layout == "mts" else (lambda: b.raw("\n\n"))
        b.raw(f"Dear Dr. {self.dr},")
        nl2()
        spec = rng.choice(self.k["specialty"])
        b.add(rng.choice((f"Thank you for referring your patient to our {spec} clinic. ",
                          "Thank you for allowing me to participate in the care of your patient. ",
                          f"I had the pleasure of seeing your patient in {spec} follow-up today. ",
                          "Thank you for referring this patient for evaluation of ")))
        if b.parts[-1].endswith("of "):
            self.cond(self.main, "present" if rng.random() < 0.8 else "hypothetical")
            b.add(". ")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 4))
        b.raw(" ")
        self.sentences(self.common.generic_hpi, self.vcount(0, 1, 2))
        b.raw(" ")
        if rng.random() < 0.6:
            self.negatives()
        if rng.random() < 0.5:
            b.add(f"{self.his.capitalize()} medications include ")
            meds = self.meds[:5]
            if meds:
                for i, e in enumerate(meds):
                    if i:
                        b.add(", " if i < len(meds) - 1 else " and ")
                    self.dw.mention(e, "current", fmt=rng.choice((("D", "S", "Q"), ("D",), ("D", "S"))))
                b.add(". ")
            else:
                b.add("no regular medications. ")
        nl2()
        b.add("On examination, ")
        self.sentences(self.k["exam"], self.vcount(1, 2, 3))
        if rng.random() < 0.5:
            b.raw(" ")
            b.add(f"{self.test[0].upper() + self.test[1:]} showed: ")
            self.sentences(self.k["findings"], self.vcount(1, 1, 2))
        nl2()
        b.add(rng.choice(("In summary, ", "My impression is ", "Assessment: ", "Impression: ")))
        self.cond(self.main, "present")
        b.add(". ")
        self.sentences(self.k["plan"], self.vcount(1, 2, 4))
        b.raw(" ")
        self.drug_prose(self.vcount(0, 1, 1))
        nl2()
        b.add(rng.choice(("Thank you for this interesting referral. ", "I will keep you informed of ",
                          "Please do not hesitate to contact me with any questions. ")))
        if b.parts[-1].endswith("of "):
            b.add(f"{self.his} progress. ")
        nl2()
        b.raw(rng.choice(("Sincerely,", "Best regards,", "Yours sincerely,", "Kind regards,")))
        b.raw(" " if b.layout == "mts" else "\n")
        b.raw(f"{rng.choice(self.common.doctors)}, M.D.")

