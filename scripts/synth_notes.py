"""Generate annotated synthetic notes for training the sequence tagger.

Usage: python scripts/synth_notes.py --n 4000 --seed 1 --out /tmp/synth.jsonl

Each JSONL line is ``{"id", "text", "phi": [{"start", "end", "type", "text"}]}`` (the gold
shape of ``shared/eval/text``, so ``score_text.py`` scores generated data too). Notes are
built from hand-written templates (ICU/ward nursing notes with their abbreviations, vitals,
ventilator settings and labs; chat dialogue, letters, contact cards, business sentences)
filled with surrogate values: the package's frozen pools (``phimask.surrogates.data``), the
detector's word lists (``phimask.detect.lexicon``) and Faker (many locales; the
``tagger-training`` extra). The same ``--seed`` gives the same notes (the script pins
PYTHONHASHSEED; with the same Faker version). No value comes from a real record.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import string
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

Piece = tuple[str, str | None]  # (text, PHI type or None)
Slot = Callable[[random.Random], list[Piece]]

FAKER_LOCALES = ("en_US", "en_GB", "en_AU", "en_CA", "en_IE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CA",
                 "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR", "pt_PT", "pl_PL", "sv_SE", "da_DK", "fi_FI",
                 "no_NO", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "en_IN", "en_NZ", "fr_CH", "es_AR")
CREDENTIALS = ("RN", "RN", "RN", "RRT", "MD", "NP", "PA-C", "BSN", "CCRN", "MSW", "LICSW", "PT", "OT",
               "PharmD", "DO", "LPN", "RN, BSN", "MD, PhD")
STAFF_ROLES = ("dr", "dr.", "Dr", "Dr.", "Dr.", "NP", "HO", "RN", "resident", "attending", "fellow", "PA",
               "intern", "team leader", "CRNA", "SW", "case manager", "RT")
RELATIVES = ("wife", "husband", "son", "daughter", "dtr", "sister", "brother", "mother", "father", "niece",
             "nephew", "granddaughter", "grandson", "friend", "HCP", "neighbor", "aunt", "uncle",
             "partner", "sister-in-law", "son-in-law", "cousin", "guardian")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "mon", "tues",
            "wed", "thurs", "fri", "sat", "sun", "today", "tomorrow", "tonight", "this am", "this pm",
            "overnight", "yesterday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
UNITS = ("MICU", "SICU", "CCU", "CSRU", "TSICU", "ICU", "ED", "EW", "ER", "OR", "PACU", "cath lab", "floor",
         "NICU", "rehab", "home", "CT", "MRI", "IR", "step-down unit", "the floor", "radiology", "dialysis",
         "telemetry", "OSH", "nursing home", "hospice")
COMMON_DRUGS = (
    "lasix", "heparin", "insulin", "vancomycin", "zosyn", "levophed", "propofol", "fentanyl", "versed",
    "morphine", "dilaudid", "tylenol", "lopressor", "metoprolol", "captopril", "lisinopril", "coumadin",
    "protonix", "pepcid", "zofran", "ativan", "haldol", "seroquel", "kcl", "magnesium", "calcium gluconate",
    "albuterol", "atrovent", "solumedrol", "prednisone", "ceftriaxone", "cefazolin", "flagyl", "cipro",
    "levofloxacin", "amiodarone", "diltiazem", "digoxin", "nitroglycerin", "ntg", "aspirin", "asa",
    "plavix", "integrilin", "lovenox", "colace", "senna", "dulcolax", "lactulose", "neosynephrine",
    "dopamine", "dobutamine", "milrinone", "vasopressin", "precedex", "narcan", "nicotine patch",
    "potassium", "phos", "bicarb", "d5w", "ns", "lr", "prbc", "ffp", "platelets", "tpn", "tube feeds",
    "glucerna", "nepro", "promote", "hydralazine", "labetalol", "nicardipine", "esmolol", "keppra",
    "dilantin", "ambien", "oxycodone", "percocet", "vicodin", "ibuprofen", "toradol", "benadryl",
)
EPONYM_PHRASES = ("Swan-Ganz", "Foley", "PICC", "A-line", "Hickman", "Quinton", "Dobhoff", "Chem-7",
                  "Babinski", "Glasgow coma scale", "Trendelenburg", "Valsalva", "Parkinson's",
                  "Alzheimer's", "Crohn's", "Hodgkin's", "Cushing's", "Graves' disease", "Bell's palsy",
                  "Guillain-Barre", "Kussmaul", "Cheyne-Stokes", "Homan's sign", "Murphy's sign",
                  "Wenckebach", "Mobitz", "Brugada", "Whipple", "Nissen", "Hartmann's pouch", "Roux-en-Y",
                  "Morse fall scale", "Braden score", "Ranson", "Apgar", "Gram stain", "Miami J collar",
                  "Jackson-Pratt", "JP drain", "Pleurevac", "Levin tube", "Salem sump", "Ambu bag")
CLIN_ABBREVS = (
    "pt", "pts", "abd", "bilat", "sx", "sxn", "sx'd", "trach", "ett", "ngt", "ogt", "peg", "cath", "cabg",
    "ptca", "afib", "a-fib", "vtach", "nsr", "svt", "pvc", "pvcs", "dnr", "dni", "npo", "prn", "qd", "bid",
    "tid", "qid", "qhs", "po", "iv", "ivf", "ivp", "gtt", "sob", "doe", "cp", "n/v", "c/o", "f/u", "d/c",
    "h/o", "s/p", "w/", "w/o", "r/o", "b/l", "lle", "rle", "lue", "rue", "perrl", "perrla", "mae", "aox3",
    "a&ox3", "nad", "rrr", "ctab", "ntnd", "bs", "bm", "uo", "u/o", "cxr", "kub", "ekg", "ecg", "tte", "tee",
    "abg", "vbg", "cbc", "bmp", "lfts", "coags", "ptt", "inr", "hct", "hgb", "wbc", "plt", "bun", "cr",
    "lytes", "k+", "mg++", "ca++", "fs", "fsbs", "ss", "riss", "ns", "lr", "d5", "prbc", "ffp", "ppi",
    "gi", "gu", "id", "cv", "resp", "neuro", "ms", "loc", "gcs", "rass", "cam-icu", "etoh", "ciwa", "dt's",
    "copd", "chf", "cad", "htn", "dm", "dm2", "iddm", "niddm", "esrd", "cri", "arf", "aki", "uti", "pna",
    "vap", "ards", "dvt", "pe", "mi", "nstemi", "stemi", "cva", "tia", "sah", "sdh", "ich", "icp", "evd",
    "vp shunt", "lp", "ct", "mri", "mra", "cta", "ir", "ercp", "egd", "tips", "cvl", "tlc", "picc", "aline",
    "a-line", "swan", "iabp", "vad", "lvad", "cvvh", "cvvhd", "hd", "pd", "tf", "tfs", "tpn", "ppn", "ivab",
    "abx", "vanc", "zosyn", "ceftaz", "mero", "fluc", "ambisome", "bcx", "ucx", "scx", "mrsa", "vre",
    "cdiff", "c.diff", "ob", "guiac", "hob", "oob", "ambulated", "repositioned", "turned", "q2h", "q4h",
    "q1h", "hr", "hrs", "min", "mins", "pm", "am", "a.m.", "p.m.", "p.o.", "b.i.d.", "t.i.d.", "q.d.", "i.v.",
    "e.g.", "i.e.", "approx", "appx", "approx.", "w/u", "wu", "w/in", "b/c", "d/t", "2/2", "secondary",
    "pos", "neg", "+ve", "-ve", "wnl", "wdl", "nl", "abnl", "sl", "mod", "mult", "lg", "sm", "amt",
    "mod amt", "lg amt", "sm amt", "thick", "thin", "tan", "yellow", "blood-tinged", "frothy", "clear",
    "serosang", "sanguinous", "purulent", "intact", "dsd", "c/d/i", "cdi", "jp", "chest tube", "ct's",
    "ptx", "effusion", "infiltrate", "atelectasis", "crackles", "rhonchi", "wheezes", "diminished", "coarse",
    "edema", "pitting", "1+", "2+", "3+", "trace", "palp", "dop", "dopplerable", "pulses", "cap refill",
    "diaphoretic", "lethargic", "somnolent", "arousable", "agitated", "restless", "confused", "oriented",
    "ativan", "haldol", "sedated", "intubated", "extubated", "reintubated", "weaned", "vented", "sats",
    "desat", "desats", "desatted", "tachy", "tachycardic", "brady", "bradycardic", "hypotensive",
    "hypertensive", "afebrile", "febrile", "tmax", "pan cultured", "pancultured", "bolus", "bolused",
    "titrated", "weaning", "wean", "trending", "stable", "unchanged", "improved", "worsening", "tolerating",
    "tol", "tol'd", "voiding", "incontinent", "foley", "condom cath", "straight cath", "rectal tube",
    "flexiseal",
    "stool", "loose", "formed", "guaiac", "heme+", "heme neg", "emesis", "nausea", "npo after mn",
    "consent", "signed", "obtained", "dispo", "c/s", "consult", "consulted", "recs", "eval", "eval'd",
    "assess", "assessed", "monitor", "cont", "continue", "cont to monitor", "f/u labs", "am labs",
    "pm labs", "lytes repleted", "repleted", "skin", "breakdown", "coccyx", "sacrum", "decub", "stage ii",
    "duoderm", "allevyn", "wound care", "dressing", "changed", "reinforced", "pt/ot", "pt & ot",
    "oob to chair",
    "dangle", "bedrest", "activity", "hoyer", "2 assist", "ssi", "sliding scale", "humalog", "lantus", "nph",
)
CLIN_PHRASES = (
    "pt resting comfortably", "no acute events overnight", "tolerating tf at goal", "lungs clear bilat",
    "lungs coarse w/ exp wheezes", "sx for sm amt thick tan secretions", "abd soft nt/nd +bs",
    "foley patent draining clear yellow urine", "skin warm and dry", "no s/s of distress",
    "denies cp or sob", "c/o mild incisional pain", "medicated w/ good effect", "will cont to monitor",
    "pulses palp bilat", "trace edema to le's", "mae x4 to command", "perrla 3mm brisk",
    "aox3, calm and cooperative",
    "pt remains intubated and sedated", "vent settings unchanged", "weaned to cpap this am", "tolerated sbt",
    "extubated without incident", "on 4l nc sats mid 90s", "afebrile, wbc trending down", "bcx pending",
    "k repleted per sliding scale", "mg repleted", "insulin gtt titrated per protocol", "bs q1h",
    "hemodynamically stable", "sbp 90s-110s", "hr 80s nsr no ectopy", "occ pvc's noted", "afib with rvr",
    "rate controlled w/ lopressor", "heparin gtt per protocol", "ptt therapeutic", "no bm this shift",
    "+flatus", "ngt to lcws", "ogt placement confirmed by cxr", "tube feeds held for residuals",
    "npo for procedure in am", "consent obtained", "family meeting planned", "dispo pending",
    "full code", "dnr/dni", "cmo", "comfort measures only discussed", "pt turned q2h", "heels elevated",
    "skin intact", "stage ii decub to coccyx, duoderm applied", "dsd c/d/i", "jp draining serosang fluid",
    "ct to sx, no air leak", "chest tube to water seal", "a-line dampened, flushed", "picc line intact",
    "rij tlc placed", "lij cvl d/c'd", "iv access x2 pivs", "pt oob to chair w/ 2 assist",
    "ambulated in hall",
    "pt/ot following", "nutrition consulted", "sw following", "case mgmt aware", "awaiting bed on floor",
    "transfer orders written", "report given to floor rn", "belongings sent with pt", "labs sent",
    "am labs pending", "abg 7.38/42/98", "cxr shows improving infiltrates", "ct head neg for bleed",
    "echo showed ef 35%", "cards following", "renal following", "id recs appreciated", "gi scoped pt",
    "surgery aware", "ortho to see", "neurosurg following", "plan to extubate in am",
)
CLIN_HEADS = ("Neuro", "Resp", "Respiratory", "CV", "Cardiac", "GI", "GU", "Renal", "ID", "Skin", "Social",
              "Plan", "Assessment", "Action", "Response", "Endo", "Heme", "Pain", "Access", "Lines",
              "Activity", "Psychosocial", "Events", "Disposition", "Code status", "Allergies", "A", "P",
              "Integ", "FEN", "Pulm", "Hemodynamics", "Nutrition", "Wound")
FACILITY_SUFFIXES = ("Hospital", "General Hospital", "Medical Center", "Medical Ctr", "Memorial Hospital",
                     "Rehab", "Rehabilitation Center", "Nursing Home", "Nursing and Rehab", "Hospice",
                     "Health Center", "Clinic", "Regional Medical Center", "Community Hospital", "Manor",
                     "Care Center", "Healthcare", "Infirmary", "House", "Senior Living")
SAINTS = ("Mary", "Joseph", "Luke", "Vincent", "Elizabeth", "Anne", "Francis", "John", "Michael", "Jude",
          "Margaret", "Catherine", "Peter", "Paul", "Clare", "Agnes", "Anthony", "Patrick")
COMPANY_WORDS = ("Group", "Partners", "Solutions", "Labs", "Systems", "Holdings", "Logistics", "Media",
                 "Foods", "Consulting", "Analytics", "Studio", "Works", "Capital", "Energy", "Health",
                 "Networks", "Bank", "Insurance", "Foundation", "Institute", "Association", "Services")
TLDS = ("com", "org", "net", "io", "co.uk", "de", "fr", "info", "biz", "edu", "nl", "es", "it", "ca")


# ------------------------------------------------------------------ value sources

@cache
def _faker(locale: str) -> Any:
    from faker import Faker

    return Faker(locale)


def faker(rng: random.Random, english: float = 0.45) -> Any:
    """A Faker instance (English most often), reseeded from ``rng`` so output is deterministic."""
    locale = "en_US" if rng.random() < english else rng.choice(FAKER_LOCALES)
    fake = _faker(locale)
    fake.seed_instance(rng.randrange(2**31))
    return fake


@cache
def _pools() -> tuple[Any, Any, tuple[str, ...]]:
    from phimask.surrogates.data import names, places, professions

    return names(), places(), professions()


@cache
def _lex_lists() -> dict[str, tuple[str, ...]]:
    from phimask.detect.lexicon import lexicon

    lex = lexicon()
    names = lex.first_names | lex.last_names
    drugs = tuple(sorted(d for d in lex.drugs if d.isalpha() and 5 <= len(d) <= 12 and d not in names
                         and lex.raw_zipf(d) < 3.0))
    clinical = tuple(sorted(t for t in lex.clinical_terms if t.replace("-", "").isalpha()))
    common = tuple(sorted(w for w, z in lex.common_zipf.items() if z >= 4.0 and w.isalpha()
                          and w in lex.lowercase_words and w not in names))
    return {"drugs": drugs, "clinical": clinical, "common": common, "countries": tuple(sorted(lex.countries)),
            "cities": tuple(sorted(c for c in lex.cities if c.replace(" ", "").isalpha()))}


def first_name(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return str(faker(rng).first_name())
    pools = _pools()[0]
    culture = "anglo" if rng.random() < 0.55 else rng.choice(list(pools.pools))
    return str(rng.choice(pools.pool(culture, rng.choice(("male", "female")))))


def last_name(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return str(faker(rng).last_name())
    pools = _pools()[0]
    culture = "anglo" if rng.random() < 0.55 else rng.choice(list(pools.pools))
    return str(rng.choice(pools.pool(culture, "last")))


def titlecase(word: str) -> str:
    return word[:1].upper() + word[1:]


def city(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return str(rng.choice(_pools()[1].cities)[0])
    if r < 0.75:
        return str(faker(rng).city())
    return " ".join(titlecase(w) for w in rng.choice(_lex_lists()["cities"]).split())


def state(rng: random.Random) -> str:
    states = _pools()[1].states
    code = rng.choice(sorted(states))
    return code if rng.random() < 0.5 else states[code]


def country(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return str(rng.choice(_pools()[1].countries)).split(" (")[0]
    return " ".join(titlecase(w) for w in rng.choice(_lex_lists()["countries"]).split())


def hospital(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:  # an abbreviation: 2-5 capitals
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 4)))
        return letters + rng.choice(("", "", "MC", "H", " Hospital", " Rehab"))
    if r < 0.45:
        return f"{city(rng)} {rng.choice(FACILITY_SUFFIXES)}"
    if r < 0.6:
        saint = f"{rng.choice(('St.', 'St', 'Saint'))} {rng.choice(SAINTS)}{rng.choice(('', chr(39) + 's'))}"
        return saint + rng.choice(("", "", " Hospital", " Medical Center"))
    if r < 0.75:
        return f"{last_name(rng)} {rng.choice(FACILITY_SUFFIXES)}"
    if r < 0.85:
        return f"University of {state(rng)} {rng.choice(('Hospital', 'Medical Center', 'Med Ctr'))}"
    if r < 0.93:
        return f"{city(rng)} {rng.choice(('VA', 'VAMC', 'VA Medical Center'))}"
    return f"{last_name(rng)} {rng.choice(('Rehab', 'House', 'Center', 'Place'))}"


def company(rng: random.Random) -> str:
    r = rng.random()
    name = str(faker(rng).company())
    if r < 0.35:  # drop a legal suffix: organisations are often written without one
        name = re.sub(r"[, ]+(Inc\.?|LLC|Ltd\.?|PLC|plc|GmbH|AG|S\.A\.|SA|SpA|S\.p\.A\.|BV|B\.V\.|Group|"
                      r"and Sons|& Co\.?|Oy|AB|A/S|s\.r\.o\.|Kft\.|SRL|S\.L\.)$", "", name)
    elif r < 0.55:
        name = f"{last_name(rng)} {rng.choice(COMPANY_WORDS)}"
    elif r < 0.65:
        name = f"{city(rng)} {rng.choice(COMPANY_WORDS)}"
    elif r < 0.72:
        name = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 4)))
    return name


def profession(rng: random.Random) -> str:
    job = str(rng.choice(_pools()[2])) if rng.random() < 0.6 else str(faker(rng, 0.8).job())
    job = job.split(",")[0]
    return job if rng.random() < 0.5 else job.lower()


def date(rng: random.Random, clinical: bool) -> str:
    y = rng.randint(1930, 2030)
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    month = MONTHS[m - 1]
    forms = [f"{m}/{d}", f"{m}/{d}/{y % 100:02d}", f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y}", f"{y}",
             f"{month} {d}", f"{month[:3]} {d}", f"{month} {d}, {y}", f"{d} {month} {y}",
             f"{y}-{m:02d}-{d:02d}",
             f"{m}-{d}", f"{d}.{m:02d}.{y}", f"{month} {y}", f"{month[:3]}. {d}th", f"{d}/{m}/{y}"]
    weights = [6, 3, 3, 2, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1] if clinical else [1, 1, 3, 2, 2, 2, 2, 3, 3, 2, 0,
                                                                                  1, 2, 1, 1]
    return rng.choices(forms, weights)[0]


def phone(rng: random.Random) -> str:
    a, b, c = rng.randint(200, 989), rng.randint(200, 999), rng.randint(0, 9999)
    forms = [f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}", f"{b}-{c:04d}", f"{a} {b} {c:04d}",
             f"x{c:04d}", f"{a}{b}{c:04d}", f"1-{a}-{b}-{c:04d}", f"+1 {a} {b} {c:04d}"]
    if rng.random() < 0.3:
        return str(faker(rng, 0.0).phone_number())
    return rng.choices(forms, [3, 4, 1, 2, 1, 1, 1, 1, 1])[0]


def ident(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(10**5, 10**9))
    if r < 0.5:
        return f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    if r < 0.7:
        return "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 3))) + \
            str(rng.randint(10**5, 10**9))
    if r < 0.85:
        return str(faker(rng, 0.9).bothify("??#######")).upper()
    return f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def email(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(faker(rng).email())
    sep = rng.choice((".", "_", "", "-"))
    user = f"{first_name(rng)}{sep}{last_name(rng)}".lower().replace(" ", "")
    user = re.sub(r"[^a-z0-9._-]", "", user) or "mail"
    return f"{user}{rng.choice(('', '', str(rng.randint(1, 99))))}@{domain(rng)}"


def domain(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(faker(rng).domain_name())
    base = re.sub(r"[^a-z0-9]", "", company(rng).lower())[:16] or "example"
    return f"{base}.{rng.choice(TLDS)}"


def url(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return str(faker(rng).url())
    host = domain(rng)
    path = rng.choice(("", "", "/contact", "/about-us", f"/{rng.randint(1, 999)}", "/index.html", "/en/home"))
    return rng.choice(("https://", "http://", "www.", "", "https://www.")) + host + path


def street(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(faker(rng).street_address())
    suffixes = ("St", "St.", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Lane", "Ln", "Dr", "Drive",
                "Way", "Court", "Ct", "Place", "Terrace", "Pkwy", "Hwy", "Circle")
    unit = rng.choice(("", "", "", f" Apt {rng.randint(1, 40)}", f" Apt. {rng.randint(100, 999)}",
                       f" Suite {rng.randint(100, 900)}", f" #{rng.randint(1, 20)}",
                        f", Unit {rng.randint(1, 9)}"))
    return f"{rng.randint(1, 9999)} {titlecase(last_name(rng))} {rng.choice(suffixes)}{unit}"


def postal_address(rng: random.Random) -> str:
    """A full postal address (often over several lines) in a random country's style."""
    r = rng.random()
    if r < 0.45:
        fake = faker(rng, 0.35)
        text = str(fake.address())
        if rng.random() < 0.3:
            text += "\n" + str(fake.current_country()) if hasattr(fake, "current_country") else ""
        return text if rng.random() < 0.7 else text.replace("\n", ", ")
    c, st, zips = rng.choice(_pools()[1].cities)
    sep = rng.choice(("\n", ", ", "\n", " "))
    tail = rng.choice(("", "", ", USA", "\nUnited States", " US"))
    return f"{street(rng)}{sep}{c}, {st} {rng.choice(zips)}{tail}"


# ------------------------------------------------------------------ slots

def phi(kind: str, make: Callable[[random.Random], str]) -> Slot:
    return lambda rng: [(make(rng), kind)]


def full_name(rng: random.Random) -> str:
    f, last = first_name(rng), last_name(rng)
    r = rng.random()
    if r < 0.55:
        return f"{f} {last}"
    if r < 0.65:
        return f"{last}, {f}"
    if r < 0.75:
        return f"{f[0]}. {last}"
    if r < 0.85:
        return f"{f} {rng.choice(string.ascii_uppercase)}. {last}"
    if r < 0.92:
        return f"{f} {last}-{last_name(rng)}"
    return f"{f} {last_name(rng)} {last}"


def staff_ref(rng: random.Random) -> list[Piece]:
    """'dr smith', 'NP Jones', 'Dr. Ann Lee' (the role word is not PHI)."""
    role = rng.choice(STAFF_ROLES)
    name = last_name(rng) if rng.random() < 0.65 else full_name(rng)
    return [(role + " ", None), (name, "NAME")]


def relative_ref(rng: random.Random) -> list[Piece]:
    rel = rng.choice(RELATIVES)
    name = first_name(rng) if rng.random() < 0.7 else full_name(rng)
    form = rng.random()
    if form < 0.5:
        return [(f"{rel} ", None), (name, "NAME")]
    if form < 0.8:
        return [(f"{rel} (", None), (name, "NAME"), (")", None)]
    return [(name, "NAME"), (f" ({rel})", None)]


def signature(rng: random.Random) -> list[Piece]:
    name = full_name(rng) if rng.random() < 0.8 else f"{first_name(rng)[0]}{last_name(rng)[0]}"
    pre = rng.choice(("", "", "", "- ", "Signed: ", "By: ", "-- "))
    return [(pre, None), (name, "NAME"), (rng.choice((", ", " ", ",")) + rng.choice(CREDENTIALS), None)]


def staff_name_only(rng: random.Random) -> list[Piece]:
    return [(last_name(rng) if rng.random() < 0.5 else full_name(rng), "NAME")]


def vitals(rng: random.Random) -> list[Piece]:
    items = [f"HR {rng.randint(50, 130)}{rng.choice(('', 's', ' NSR', ' SR', ' ST', ' AF'))}",
             f"BP {rng.randint(80, 180)}/{rng.randint(40, 100)}",
             f"RR {rng.randint(10, 32)}", f"SpO2 {rng.randint(88, 100)}%", f"sats {rng.randint(88, 100)}%",
             f"T {rng.randint(96, 103)}.{rng.randint(0, 9)}",
             f"Tmax {rng.randint(98, 103)}.{rng.randint(0, 9)}",
             f"MAP {rng.randint(55, 100)}", f"CVP {rng.randint(2, 18)}", f"UO {rng.randint(10, 200)}cc/hr",
             f"u/o {rng.randint(20, 100)}-{rng.randint(100, 300)}cc/hr", f"I/O {rng.randint(500, 3000)}/"
             f"{rng.randint(300, 3000)}", f"FS {rng.randint(70, 300)}", f"pain {rng.randint(0, 10)}/10",
             f"wt {rng.randint(40, 140)}kg", f"PA {rng.randint(20, 60)}/{rng.randint(8, 30)}",
             f"CO {rng.randint(2, 8)}.{rng.randint(0, 9)}", f"K {rng.randint(3, 5)}.{rng.randint(0, 9)}",
             f"Hct {rng.randint(20, 45)}.{rng.randint(0, 9)}", f"INR {rng.randint(1, 3)}.{rng.randint(0, 9)}",
             f"WBC {rng.randint(2, 25)}.{rng.randint(0, 9)}",
             f"lactate {rng.randint(0, 8)}.{rng.randint(0, 9)}",
             f"glucose {rng.randint(60, 400)}", f"Cr {rng.randint(0, 6)}.{rng.randint(0, 9)}",
             f"ABG {7}.{rng.randint(15, 55)}/{rng.randint(25, 80)}/{rng.randint(50, 400)}",
             f"GCS {rng.randint(3, 15)}", f"RASS {rng.randint(-5, 2)}", f"plt {rng.randint(20, 500)}"]
    return [(rng.choice((", ", " ", "; ")).join(rng.sample(items, rng.randint(2, 6))), None)]


def vent(rng: random.Random) -> list[Piece]:
    forms = [f"AC {rng.choice((400, 450, 500, 550, 600))}x{rng.randint(10, 24)}",
             f"{rng.choice((400, 500, 600, 700))}x{rng.randint(8, 20)}",
             f"PS {rng.randint(5, 15)}/{rng.randint(5, 10)}", f"{rng.randint(5, 15)}/{rng.randint(5, 10)}",
             f"PEEP {rng.randint(5, 15)}", f"FiO2 {rng.choice((30, 35, 40, 50, 60, 100))}%",
             f"CPAP {rng.randint(5, 10)}/{rng.randint(5, 10)}", f"{rng.randint(2, 6)}L NC",
             f"RSBI {rng.randint(20, 140)}", f"TV {rng.randint(300, 700)}", f"PIP {rng.randint(15, 40)}",
             f"plat {rng.randint(15, 35)}", f"SIMV {rng.randint(4, 14)}", f"{rng.randint(35, 100)}% FM",
             f"{rng.randint(40, 70)}% cool neb"]
    return [(" ".join(rng.sample(forms, rng.randint(1, 4))), None)]


def drug(rng: random.Random) -> list[Piece]:
    name = rng.choice(COMMON_DRUGS) if rng.random() < 0.6 else rng.choice(_lex_lists()["drugs"])
    dose = rng.choice(("", "", f" {rng.randint(1, 100)}mg", f" {rng.randint(1, 20)} mg iv",
                       f" gtt @ {rng.randint(1, 20)}mcg/kg/min", f" {rng.randint(1, 10)}u", " prn", " po",
                       f" {rng.randint(1, 4)} gm", f" @ {rng.randint(5, 150)}cc/hr", " x1", " q6h", " bid"))
    return [(name + dose, None)]


def eponym(rng: random.Random) -> list[Piece]:
    if rng.random() < 0.5:
        return [(rng.choice(EPONYM_PHRASES), None)]
    return [(titlecase(rng.choice(_lex_lists()["clinical"])), None)]


def misspell(word: str, rng: random.Random) -> str:
    """A typo: a letter dropped, doubled or two swapped (notes are typed in a hurry)."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    r = rng.random()
    if r < 0.4:
        return word[:i] + word[i + 1:]
    if r < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def neg_words(rng: random.Random) -> list[Piece]:
    """Clinical filler: abbreviations, stock phrases, some common words, a few typos."""
    r = rng.random()
    if r < 0.4:
        words = [rng.choice(CLIN_PHRASES)]
    elif r < 0.8:
        words = rng.sample(CLIN_ABBREVS, rng.randint(2, 6))
    else:
        words = rng.sample(_lex_lists()["common"], rng.randint(2, 5))
    text = " ".join(words)
    if rng.random() < 0.3:
        text = " ".join(misspell(w, rng) if rng.random() < 0.3 else w for w in text.split())
    if rng.random() < 0.25:
        text = titlecase(text)
    return [(text, None)]


def heading(rng: random.Random) -> list[Piece]:
    """A section heading: a clinical one, or any capitalised common word(s)."""
    if rng.random() < 0.5:
        return [(rng.choice(CLIN_HEADS), None)]
    words = rng.sample(_lex_lists()["common"], rng.choice((1, 1, 2)))
    return [(" ".join(titlecase(w) for w in words), None)]


def clin_date(rng: random.Random) -> list[Piece]:
    return [(date(rng, True), "DATE")]


def any_date(rng: random.Random) -> list[Piece]:
    return [(date(rng, False), "DATE")]


def old_age(rng: random.Random) -> list[Piece]:
    return [(str(rng.randint(90, 104)), "AGE")]


def age(rng: random.Random) -> list[Piece]:
    return [(str(rng.randint(1, 99)), "AGE")]


def plain_age(rng: random.Random) -> list[Piece]:
    return [(str(rng.randint(18, 89)), None)]


def multi_address(rng: random.Random) -> list[Piece]:
    return [(postal_address(rng), "ADDRESS")]


def city_state(rng: random.Random) -> list[Piece]:
    r = rng.random()
    if r < 0.4:
        return [(f"{city(rng)}, {state(rng)}", "ADDRESS")]
    if r < 0.7:
        return [(city(rng), "ADDRESS")]
    if r < 0.85:
        return [(country(rng), "ADDRESS")]
    return [(f"{city(rng)}, {country(rng)}", "ADDRESS")]


def card(rng: random.Random) -> list[Piece]:
    r = rng.random()
    fake = faker(rng, 1.0)
    if r < 0.5:
        value = str(fake.credit_card_number())
        if rng.random() < 0.4 and len(value) == 16:
            value = " ".join(value[i:i + 4] for i in range(0, 16, 4))
    elif r < 0.75:
        value = str(fake.iban())
    else:
        value = str(fake.ipv4()) if rng.random() < 0.8 else str(fake.ipv6())
    return [(value, "OTHER")]


def negative_number(rng: random.Random) -> list[Piece]:
    forms = [f"{rng.randint(1, 10)}/10", f"{rng.randint(5, 20)}/{rng.randint(5, 10)}", "2/2", "s/p", "c/o",
             f"{rng.randint(100, 900)}x{rng.randint(8, 20)}", f"{rng.randint(1, 4)}+",
             f"{rng.randint(0, 23):02d}00",
             f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}", f"{rng.randint(1, 3)}x",
             f"x{rng.randint(2, 4)}",
             f"{rng.randint(18, 24)}g", f"#{rng.randint(6, 9)}", f"{rng.randint(1, 5)}-{rng.randint(2, 8)}L",
             f"q{rng.randint(1, 8)}h", f"{rng.randint(1, 3)}.{rng.randint(0, 9)} mg/dl",
             f"{rng.randint(10, 99)}%",
             f"{rng.randint(1, 9)}/{rng.randint(1, 9)} strength"]
    return [(rng.choice(forms), None)]


SLOTS: dict[str, Slot] = {
    "STAFF": staff_ref, "REL": relative_ref, "SIG": signature, "SNAME": staff_name_only,
    "FIRST": phi("NAME", first_name), "LAST": phi("NAME", last_name), "NAME": phi("NAME", full_name),
    "HOSP": phi("ADDRESS", hospital), "CITY": city_state, "ADDR": multi_address,
    "STREET": phi("ADDRESS", street), "DATE": clin_date, "ADATE": any_date,
    "PHONE": phi("PHONE_OR_FAX", phone), "ID": phi("ID", ident), "EMAIL": phi("EMAIL", email),
    "URL": phi("URL", url), "ORG": phi("OTHER", company), "JOB": phi("PROFESSION", profession),
    "OLDAGE": old_age, "AGE": age, "YO": plain_age, "CARD": card,
    "VITALS": vitals, "VENT": vent, "DRUG": drug, "EPONYM": eponym, "WORDS": neg_words,
    "NUM": negative_number,
    "UNIT": lambda rng: [(rng.choice(UNITS), None)], "DAY": lambda rng: [(rng.choice(WEEKDAYS), None)],
    "HEAD": heading, "REL_WORD": lambda rng: [(rng.choice(RELATIVES), None)],
    "CRED": lambda rng: [(rng.choice(CREDENTIALS), None)], "COUNTRY": phi("ADDRESS", country),
    "STATE": phi("ADDRESS", state), "ZIP": phi("ADDRESS", lambda rng: f"{rng.randint(1000, 99999):05d}"),
}

# ------------------------------------------------------------------ templates

NURSING_LINES = (
    "{HEAD}: {WORDS}. {VITALS}.",
    "{HEAD}: pt alert and oriented x3, follows commands, MAE. {NUM} pain, medicated with {DRUG}.",
    "{HEAD}: lungs coarse bilat, sx for thick tan secretions. vent settings {VENT}. abg {VITALS}.",
    "{HEAD}: {VITALS}. {DRUG} titrated to keep MAP > 60. {DRUG} given {DAY}.",
    "{HEAD}: abd soft, +BS, tolerating {DRUG}. foley draining clear yellow urine {NUM}.",
    "{HEAD}: {STAFF} aware of {VITALS}. plan to recheck labs {DAY}.",
    "{STAFF} aware. will continue to monitor.",
    "{STAFF} in to see pt, {DRUG} ordered.",
    "{REL} in to visit {DAY}, updated on plan of care by {STAFF}.",
    "{REL} called for update, phone {PHONE}.",
    "Family: {REL} is HCP, can be reached at {PHONE} or cell {PHONE}.",
    "{REL} and {REL} at bedside, very supportive.",
    "pt transferred to {HOSP} on {DATE} for further care.",
    "transferred from {HOSP} {DATE} with {WORDS}.",
    "plan is for d/c to {HOSP} rehab when bed available.",
    "pt admitted to {UNIT} from {HOSP} via {UNIT}.",
    "transfer to {UNIT} when stable.",
    "screened for rehab at {HOSP} and {HOSP}.",
    "{YO} yo {WORDS} with h/o {EPONYM}, {WORDS}, admitted {DATE} with {WORDS}.",
    "{YO} y/o female s/p fall at home {DATE}.",
    "pt is a {OLDAGE} yo man from {HOSP} with {EPONYM}.",
    "{EPONYM} intact. {EPONYM} in place, {VITALS}.",
    "Plan: cont {DRUG}, {DRUG} prn, f/u with {STAFF} in {NUM}.",
    "last BM {DATE}. {DRUG} given.",
    "CXR {DATE}: {WORDS}. repeat {DAY}.",
    "{VENT}. weaned to {VENT} this am, tolerating well, RSBI {NUM}.",
    "Resp: {VENT} {VITALS}",
    "pt lives with {REL} in {CITY}. retired {JOB}.",
    "pt works as a {JOB}, lives alone in {CITY}.",
    "SW {SNAME} following, spoke with {REL} today.",
    "cardiology fellow {SNAME} paged re: {VITALS}.",
    "per {STAFF}, hold {DRUG} tonight.",
    "discussed with {STAFF} and {STAFF}, {DRUG} increased.",
    "{SIG}",
    "{SIG}",
    "code status: full code, confirmed with {REL} {DATE}.",
    "seen in clinic by {STAFF} on {DATE}, started on {DRUG}.",
    "PCP is {STAFF} at {HOSP}, tel {PHONE}.",
    "MRN {ID}.",
    "hx of {EPONYM} dx {DATE}, {WORDS}.",
    "{DAY}: {WORDS}, {VITALS}.",
    "pt c/o {NUM} {WORDS} pain, relieved with {DRUG}.",
    "{HEAD}: {WORDS}. {WORDS}.",
    "{HEAD}: {NUM}. {EPONYM}. {DRUG}.",
    "echo {DATE}: EF {NUM}, {WORDS}.",
    "{REL} from {CITY} arriving {DAY}.",
    "Social: married, {REL} involved. pt from {CITY}, {WORDS}.",
    "call placed to {HOSP} re: records, spoke with {FIRST}.",
    "{FIRST} from case management following.",
    "team aware, {STAFF} to see pt in am.",
    "addendum: {REL} called back at {PHONE}, {WORDS}.",
    "neuro checks q1h. {EPONYM}. {VITALS}",
)
NEGATIVE_LINES = (
    "{HEAD}: {WORDS}. {WORDS}. {WORDS}.",
    "{HEAD}: {WORDS}, {VITALS}. {WORDS}.",
    "{HEAD}: {WORDS}. {DRUG}. {WORDS}.",
    "{WORDS}. {WORDS}.",
    "{WORDS}, {WORDS}, {NUM}.",
    "{HEAD}- {WORDS}; {WORDS}; {VENT}.",
    "{HEAD}: {VENT}, {WORDS}. {VITALS}.",
    "{HEAD}: {DRUG}, {DRUG} and {DRUG} given {DAY}. {WORDS}.",
    "{EPONYM} {WORDS}. {NUM}. {WORDS}.",
    "{WORDS} {NUM} {WORDS} {DRUG}",
    "{HEAD}: {WORDS} {UNIT} {WORDS}.",
    "pt seen by {UNIT} team, {WORDS}.",
    "{YO} yo {WORDS} w/ {WORDS}.",
    "{DAY} {WORDS} {NUM}, {WORDS}.",
    "labs: {VITALS}",
    "{WORDS}?? {WORDS}...",
)

CONVERSATION_LINES = (
    "{FIRST}: hi, are we still meeting {DAY}?",
    "{FIRST}: yes, see you at the office at {NUM}",
    "{FIRST}: can you send me the report by {ADATE}?",
    "{FIRST}: my number changed, it is now {PHONE}",
    "{FIRST}: email me at {EMAIL} when you get a chance",
    "{NAME}: I moved to {CITY} last month",
    "{FIRST}: {WORDS}",
    "{FIRST}: {WORDS}?",
    "{NAME}: thanks, talk {DAY}",
)

BUSINESS_LINES = (
    "Please contact {NAME} at {EMAIL} or {PHONE}.",
    "{NAME} works as a {JOB} at {ORG}.",
    "{NAME} has been a {JOB} with {ORG} in {CITY} since {ADATE}.",
    "I was born on {ADATE} in {CITY}.",
    "My name is {NAME} and I am {AGE} years old.",
    "{NAME}, aged {AGE}, lives at {STREET}, {CITY}.",
    "Ship the order to {ADDR}",
    "Our new office is at {ADDR}",
    "Visit {URL} for more information.",
    "The {ORG} website is {URL}.",
    "You can reach our team at {EMAIL}.",
    "Card number {CARD} expires {ADATE}.",
    "Please transfer the amount to {CARD}.",
    "Login attempts from {CARD} were blocked.",
    "Employee ID: {ID}",
    "Account number {ID}, reference {ID}.",
    "Her social security number is {ID}.",
    "Driver license {ID} issued in {STATE}.",
    "{ORG} signed a contract with {ORG} on {ADATE}.",
    "{NAME} joined {ORG} as {JOB} in {ADATE}.",
    "The meeting with {ORG} is on {DAY} at {NUM}.",
    "{NAME} from {COUNTRY} is a {JOB}.",
    "Send the invoice to {NAME}, {ORG}, {ADDR}",
    "I used to work for {ORG} before moving to {COUNTRY}.",
    "{WORDS}. {WORDS}.",
    "The {JOB} said the {WORDS} was fine.",
    "We are open {DAY} through {DAY}.",
    "Call {PHONE} for support, or fax {PHONE}.",
    "{NAME} is {AGE}.",
    "Is {FIRST} coming to the party in {CITY}?",
    "Thanks {FIRST}, I will let {FIRST} know.",
    "Your appointment with {STAFF} is on {ADATE}.",
    "The package left {CITY} on {ADATE} and should arrive in {CITY} {DAY}.",
)


def letter(rng: random.Random) -> str:
    body = "\n".join(rng.choice(BUSINESS_LINES) for _ in range(rng.randint(1, 4)))
    closing = rng.choice(("Sincerely", "Best regards", "Kind regards", "Thanks", "Yours truly", "Cheers"))
    card_lines = ["{NAME}", *rng.sample(["{JOB}", "{ORG}", "{ADDR}", "{PHONE}", "{EMAIL}", "{URL}"],
                                         rng.randint(1, 4))]
    greeting = rng.choice(("Dear {NAME},", "Hi {FIRST},", "Hello {FIRST},", "To whom it may concern,"))
    return "\n".join([greeting, "", body, "", closing + ",", *card_lines])


def nursing_note(rng: random.Random) -> str:
    share = rng.choice((0.15, 0.3, 0.45))  # lines with PHI slots
    lines = [rng.choice(NURSING_LINES) if rng.random() < share else rng.choice(NEGATIVE_LINES)
             for _ in range(rng.randint(3, 22))]
    if rng.random() < 0.5:
        lines.append("{SIG}")
    if rng.random() < 0.3:
        lines.insert(0, rng.choice(("Nursing progress note", "NPN 7a-7p", "Resp care note", "MICU nursing",
                                    "Nursing note {DATE}", "CCU NPN", "Addendum", "S/O/A/P", "RT note")))
    joiner = "\n" if rng.random() < 0.7 else " "
    return joiner.join(lines)


def conversation(rng: random.Random) -> str:
    speakers = ["{FIRST}", "{FIRST}"]
    lines = []
    for _ in range(rng.randint(2, 8)):
        line = rng.choice(CONVERSATION_LINES)
        lines.append(line.replace("{FIRST}", rng.choice(speakers), 1) if line.startswith("{FIRST}") else line)
    return "\n".join(lines)


def business(rng: random.Random) -> str:
    return " ".join(rng.choice(BUSINESS_LINES) for _ in range(rng.randint(1, 3)))


def contact_card(rng: random.Random) -> str:
    rows = ["{NAME}", *rng.sample(["{JOB}", "{ORG}", "{ADDR}", "Tel: {PHONE}", "{EMAIL}", "{URL}",
                                   "DOB: {ADATE}", "ID: {ID}"], rng.randint(2, 5))]
    return "\n".join(rows)


STYLES: tuple[tuple[Callable[[random.Random], str], float, tuple[float, float]], ...] = (
    # (template maker, weight, (P(upper), P(lower)))
    (nursing_note, 0.55, (0.35, 0.25)),
    (conversation, 0.1, (0.05, 0.25)),
    (business, 0.17, (0.08, 0.12)),
    (letter, 0.1, (0.05, 0.1)),
    (contact_card, 0.08, (0.15, 0.05)),
)

SLOT_RE = re.compile(r"\{([A-Z_]+)\}")


def fill(template: str, rng: random.Random) -> Iterator[Piece]:
    cursor = 0
    for match in SLOT_RE.finditer(template):
        yield template[cursor:match.start()], None
        yield from SLOTS[match.group(1)](rng)
        cursor = match.end()
    yield template[cursor:], None


def recase(text: str, casing: str) -> str:
    changed = text.upper() if casing == "upper" else text.lower() if casing == "lower" else text
    return changed if len(changed) == len(text) else text


def make_note(rng: random.Random, note_id: str) -> dict[str, Any]:
    makers, weights = zip(*[(m, w) for m, w, _ in STYLES], strict=True)
    maker = rng.choices(makers, weights)[0]
    p_upper, p_lower = next(c for m, _, c in STYLES if m is maker)
    r = rng.random()
    casing = "upper" if r < p_upper else "lower" if r < p_upper + p_lower else "mixed"
    text_parts: list[str] = []
    spans: list[dict[str, Any]] = []
    cursor = 0
    for raw, kind in fill(maker(rng), rng):
        piece = recase(raw, casing)
        if kind is not None and casing == "mixed" and maker is nursing_note and rng.random() < 0.15:
            piece = piece.lower()  # names and places typed in lower case in a mixed note
        if kind is not None:
            stripped = piece.strip()
            lead = len(piece) - len(piece.lstrip())
            if stripped:
                start = cursor + lead
                spans.append({"start": start, "end": start + len(stripped), "type": kind, "text": stripped})
        text_parts.append(piece)
        cursor += len(piece)
    return {"id": note_id, "text": "".join(text_parts), "phi": spans}


def generate(n: int, seed: int, prefix: str = "synth") -> list[dict[str, Any]]:
    """``n`` annotated notes; the same ``seed`` gives the same notes."""
    rng = random.Random(seed)
    return [make_note(rng, f"{prefix}-{seed}-{i}") for i in range(n)]


def fixed_hash_seed() -> None:
    """Re-run this process with PYTHONHASHSEED=0: some Faker locales keep values in sets,
    whose order (and so the notes a seed gives) would otherwise change from run to run."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})


def main() -> int:
    fixed_hash_seed()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="JSONL file (default: stdout)")
    args = parser.parse_args()
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(args.n, args.seed))
    if args.out:
        args.out.write_text(lines, "utf-8")
    else:
        sys.stdout.write(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
