"""Benchmark: recall of de-identification (core/deid.py) on synthesized notes with planted identifiers.

Each note of the synthesizer gets header lines, sentences and footer lines (bench/deid_slots.yaml) holding
names, dates, phone numbers, record numbers, street addresses and e-mail addresses made with Faker. Most names come
from Faker locales whose names the name finder does not know (German, French, Spanish, Polish... names with no word
in its en_US lists); the rest from en_US, whose lists it uses. Recall is reported for both, and apart for names
planted in "bare" sentences (no title, cue word or credential near them: "Lina Susa tolerated the procedure well.").

Run:
    .venv/bin/python bench/deid_recall.py [--notes 300] [--seed 7]
An identifier counts as caught only if every non-space character of it is inside a replacement. Also printed:
clinical spans (drugs, conditions, attributes) that the replacements would have hit had the spans not been passed
(with them passed, none may change: checked), and replacements of text that was not planted (the synthesizer writes
its own headers with names and dates, so not all of those are errors; a sample is printed). Last line: one JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from core.knowledge.schema import Row, load_yaml

SLOTS = Path(__file__).resolve().parent / "deid_slots.yaml"
#: Faker locales for names the name finder has never seen (Latin script, as the notes are English).
UNSEEN_LOCALES = ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "cs_CZ", "tr_TR", "fi_FI",
                  "da_DK", "hu_HU", "no_NO", "ro_RO", "hr_HR")
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y", "%d.%m.%Y", "%b %d, %Y", "%m/%d/%y", "%d-%b-%Y",
                "%d/%m/%Y", "%B %Y")
SLOT_TYPES = {**dict.fromkeys(("name", "first", "last", "LAST", "FIRST", "kin_name", "kin_first", "doc_name",
                               "doc_last"), "NAME"),
              "date": "DATE", "date2": "DATE", "phone": "PHONE", "phone2": "PHONE", "mrn": "MRN",
              "address": "ADDRESS", "email": "EMAIL"}
ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Sr", "Jr", "vs", "approx", "No"}
KIN = ("wife", "husband", "daughter", "son", "sister", "brother", "partner", "mother")


class Slots(Row):
    header: tuple[str, ...]
    sentences: tuple[str, ...]
    bare: tuple[str, ...]
    footer: tuple[str, ...]


class Planter:
    """Faker-made identifiers for one run, names from unseen locales or from the lexicon's."""

    def __init__(self, seed: int, unseen_share: float) -> None:
        from faker import Faker

        from core.deid import name_lexicon

        self.rng = random.Random(seed)
        self.us = Faker("en_US")
        self.gb = Faker("en_GB")
        self.others = [Faker(loc) for loc in UNSEEN_LOCALES]
        for k, f in enumerate([self.us, self.gb, *self.others]):
            f.seed_instance(seed * 100 + k)
        firsts, lasts = name_lexicon()
        self.known = {w.lower() for w in firsts | lasts}
        self.unseen_share = unseen_share

    def person(self) -> tuple[str, str, str]:
        """(first, last, source): ``unseen`` names have no word the name finder's lists hold."""
        if self.rng.random() >= self.unseen_share:
            return self.us.first_name(), self.us.last_name(), "lexicon"
        while True:
            f = self.rng.choice(self.others)
            first, last = f.first_name(), f.last_name()
            if not {w.lower() for w in re.findall(r"[^\s\-]+", f"{first} {last}")} & self.known:
                return first, last, "unseen"

    def values(self) -> tuple[dict[str, str], dict[str, str]]:
        """Slot values for one note, and each name slot's source."""
        rng, us = self.rng, self.us
        (first, last, src), (kf, kl, ksrc), (df, dl, dsrc) = self.person(), self.person(), self.person()
        dob = us.date_of_birth(minimum_age=18, maximum_age=95)
        street = us.street_address()
        address = f"{street}, {us.city()}, {us.state_abbr()} {us.zipcode()}" if rng.random() < 0.7 else street
        mrn = rng.choice([str(rng.randint(10 ** 6, 10 ** 9)), f"{rng.choice('ABEKMX')}{rng.randint(10 ** 6, 10 ** 7)}",
                          f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"])
        values = {"name": f"{first} {last}", "first": first, "last": last, "FIRST": first.upper(), "LAST": last.upper(),
                  "kin_name": f"{kf} {kl}", "kin_first": kf, "doc_name": f"{df} {dl}", "doc_last": dl,
                  "date": dob.strftime(rng.choice(DATE_FORMATS)),
                  "date2": us.date_between("-8y", "today").strftime(rng.choice(DATE_FORMATS)),
                  "phone": (us if rng.random() < 0.6 else self.gb).phone_number(),
                  "phone2": (us if rng.random() < 0.6 else self.gb).phone_number(),
                  "mrn": mrn, "address": address, "email": us.free_email() if rng.random() < 0.5 else us.email(),
                  "title": rng.choice(["Mr.", "Mrs.", "Ms.", "Mr", "Mrs"]), "kin": rng.choice(KIN),
                  "age": str(rng.randint(18, 95)), "sex": rng.choice(["male", "female"])}
        sources = {**dict.fromkeys(("name", "first", "last", "LAST", "FIRST"), src), "kin_name": ksrc,
                   "kin_first": ksrc, "doc_name": dsrc, "doc_last": dsrc}
        return values, sources


def fill(template: str, values: dict[str, str], sources: dict[str, str]) -> tuple[str, list[tuple]]:
    """The template filled, with its identifiers as ``(start, end, type, source)`` in the filled text."""
    out, planted, at = [], [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(template[at:m.start()])
        start = sum(map(len, out))
        out.append(values[m.group(1)])
        if m.group(1) in SLOT_TYPES:
            planted.append((start, start + len(values[m.group(1)]), SLOT_TYPES[m.group(1)],
                            sources.get(m.group(1), "-")))
        at = m.end()
    out.append(template[at:])
    return "".join(out), planted


def plant(note, slots: Slots, planter: Planter) -> tuple[str, list, list[tuple]]:
    """The note with header lines, sentences and footer lines added: (text, clinical spans moved, planted)."""
    rng = planter.rng
    values, sources = planter.values()
    text, spans = note.text, [(s.start, s.end, s.label) for s in note.spans]
    planted: list[tuple] = []
    cuts = [m.end() for m in re.finditer(r"(\w*)[.!?] (?=[A-Z])", text)   # not after "Dr." or an initial
            if m.group(1) not in ABBREVIATIONS and len(m.group(1)) > 1
            and not any(a < m.end() <= b for a, b, _ in spans)]
    for k, pos in enumerate(sorted(rng.sample(cuts, min(len(cuts), rng.randint(2, 4))), reverse=True)):
        bare = k == 0 and rng.random() < 0.5   # at most one sentence with a bare name per note
        sentence, found = fill(rng.choice(slots.bare if bare else slots.sentences) + " ", values,
                               {key: f"{src}, bare" for key, src in sources.items()} if bare else sources)
        text = text[:pos] + sentence + text[pos:]
        spans = [(a + len(sentence) * (a >= pos), b + len(sentence) * (a >= pos), lab) for a, b, lab in spans]
        planted = [(a + len(sentence) * (a >= pos), b + len(sentence) * (a >= pos), t, s) for a, b, t, s in planted]
        planted += [(a + pos, b + pos, t, s) for a, b, t, s in found]
    head = "\n".join(rng.sample(slots.header, rng.randint(2, 3))) + "\n\n"
    head, found = fill(head, values, sources)
    spans = [(a + len(head), b + len(head), lab) for a, b, lab in spans]
    planted = found + [(a + len(head), b + len(head), t, s) for a, b, t, s in planted]
    text = head + text
    foot, found = fill("\n\n" + "\n".join(rng.sample(slots.footer, rng.randint(1, 2))), values, sources)
    planted += [(a + len(text), b + len(text), t, s) for a, b, t, s in found]
    return text + foot, spans, planted


def covered(text: str, start: int, end: int, replaced: list[tuple[int, int]]) -> bool:
    return all(text[i].isspace() or any(a <= i < b for a, b in replaced) for i in range(start, end))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unseen-share", type=float, default=0.7, help="share of names from locales the finder "
                    "does not know")
    args = ap.parse_args()

    from core.deid import deidentify
    from core.synth import NoteSynthesizer

    t0 = time.perf_counter()
    slots = load_yaml(SLOTS, Slots)
    planter = Planter(args.seed, args.unseen_share)
    notes = NoteSynthesizer(seed=args.seed).generate(args.notes)
    t1 = time.perf_counter()
    caught, total, by_source = Counter(), Counter(), defaultdict(Counter)
    missed: dict[str, list[str]] = defaultdict(list)
    hit_without, changed, other, other_examples = 0, 0, Counter(), []
    for note in notes:
        text, spans, planted = plant(note, slots, planter)
        dicts = [{"start": a, "end": b, "label": lab} for a, b, lab in spans]
        out = deidentify(text, dicts)
        reps = [(r.start, r.end) for r in out.replaced]
        for a, b, typ, src in planted:
            ok = covered(text, a, b, reps)
            total[typ] += 1
            caught[typ] += ok
            if typ == "NAME":
                by_source[src]["total"] += 1
                by_source[src]["caught"] += ok
            if not ok and len(missed[typ]) < 8:
                missed[typ].append(text[a:b])
        changed += sum(out.text[n["start"]:n["end"]] != text[a:b] for n, (a, b, _) in zip(out.spans, spans))
        bare = [(r.start, r.end) for r in deidentify(text).replaced]
        hit_without += sum(any(a < rb and ra < b for ra, rb in bare) for a, b, _ in spans)
        for r in out.replaced:
            if not any(r.start < b and a < r.end for a, b, _, _ in planted):
                other[r.entity] += 1
                if len(other_examples) < 12:
                    other_examples.append(f"{r.entity}: {text[r.start:r.end]!r}")
    seconds = time.perf_counter() - t1
    recall = {t: round(caught[t] / total[t], 4) for t in sorted(total)}
    names = {s: round(c["caught"] / c["total"], 4) for s, c in sorted(by_source.items()) if c["total"]}
    for t in sorted(total):
        print(f"{t:8s} recall {recall[t]:.3f} ({caught[t]}/{total[t]})  missed e.g. {missed[t][:4]}")
    for s, c in sorted(by_source.items()):
        print(f"NAME, {s} names: {names[s]:.3f} ({c['caught']}/{c['total']})")
    print(f"clinical spans the replacements would hit without the spans passed: {hit_without} of "
          f"{sum(len(n.spans) for n in notes)}; changed with them passed: {changed}")
    print(f"replacements of text not planted: {dict(other)}; e.g. {other_examples}")
    print(f"synthesis {t1 - t0:.1f} s, de-identification {seconds:.1f} s for {len(notes)} notes (twice each)")
    print(json.dumps({"seed": args.seed, "notes": len(notes), "unseen_name_share": args.unseen_share,
                      "recall": recall, "planted": dict(sorted(total.items())), "name_recall_by_source": names,
                      "clinical_spans_hit_without_protection": hit_without, "clinical_spans_changed": changed,
                      "unplanted_replacements": dict(other), "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
