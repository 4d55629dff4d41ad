"""Build the surrogate value pools from well-kept PyPI data packages.

Run ``make surrogate-data`` (needs the ``surrogate-data`` extra: faker, zipcodes). Output:
``src/phimask/surrogates/data/*.json.gz`` — sorted, deterministic files shipped inside the
package, so surrogates never change when Faker releases new data (the same value must keep
its surrogate in a scope across runs and upgrades) and the Lambda layer needs neither
package. Attribution: ``src/phimask/surrogates/data/NOTICE``.
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import faker.providers.address.en_US as us_address
import faker.providers.job.en_US as us_jobs
import faker.providers.person as person_pkg
import zipcodes

OUT = Path(__file__).resolve().parents[1] / "src" / "phimask" / "surrogates" / "data"
# culture -> Faker person locales (Latin script, or with romanized lists); Faker's "en" (US
# baby names of every origin) is left out: it would make every name look anglo
CULTURES: dict[str, tuple[str, ...]] = {
    "anglo": ("en_US", "en_GB", "en_IE", "en_NZ"),
    "hispanic": ("es_ES", "es_MX", "es_AR"),  # es_CO, es_CL: many English names
    "french": ("fr_FR", "fr_CA", "fr_BE", "fr_CH"),
    "german": ("de_DE", "de_AT", "de_CH"),
    "italian": ("it_IT",),
    "portuguese": ("pt_BR", "pt_PT"),
    "dutch": ("nl_NL", "nl_BE"),
    "nordic": ("sv_SE", "no_NO", "da_DK", "fi_FI"),
    "slavic": ("pl_PL", "cs_CZ", "sk_SK", "hr_HR", "sl_SI"),
    "hungarian": ("hu_HU",),
    "romanian": ("ro_RO",),
    "turkish": ("tr_TR",),
    "south_asian": ("en_IN",),
    "west_african": ("yo_NG", "ig_NG"),
    "east_african": ("sw",),
    "indonesian": ("id_ID",),
    "vietnamese": ("vi_VN",),
    "chinese": ("zh_CN",),
    "japanese": ("ja_JP",),
}
ROMANIZED = {"zh_CN", "ja_JP"}
MAX_PER_LIST = 2500
CITIES = 3000  # (city, state) groups kept, spread over every state
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
_WORD = re.compile(r"[^\W\d_][^\W\d_'\-]*[^\W\d_]")


def _values(provider: Any, *attributes: str) -> list[str]:
    found: list[str] = []
    for attribute in attributes:
        values = getattr(provider, attribute, ())
        if isinstance(values, dict | list | tuple | set | frozenset):
            found.extend(str(v) for v in values)
    return found


def _clean(values: list[str]) -> list[str]:
    """Single words in Latin script, title case, deduplicated, first seen first."""
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if not _WORD.fullmatch(value) or not 2 <= len(value) <= 14 or not value[0].isupper():
            continue
        if any(ord(c) > 0x24F and not ("\u1e00" <= c <= "\u1eff") for c in value):
            continue  # not Latin script (Vietnamese letters of Latin Extended Additional are kept)
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


def build_names() -> dict[str, Any]:
    cultures: dict[str, dict[str, list[str]]] = {}
    for culture, locales in CULTURES.items():
        male: list[str] = []
        female: list[str] = []
        last: list[str] = []
        for locale in locales:
            provider = importlib.import_module(f"{person_pkg.__name__}.{locale}").Provider
            if locale in ROMANIZED:
                both = _values(provider, "first_romanized_names")
                male += _values(provider, "first_romanized_names_male") or both
                female += _values(provider, "first_romanized_names_female") or both
                last += _values(provider, "last_romanized_names")
            else:
                male += _values(provider, "first_names_male")
                female += _values(provider, "first_names_female")
                last += _values(provider, "last_names")
        cultures[culture] = {"male": _clean(male)[:MAX_PER_LIST], "female": _clean(female)[:MAX_PER_LIST],
                             "last": _clean(last)[:MAX_PER_LIST]}
    return {"cultures": cultures}


def build_places() -> dict[str, Any]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in zipcodes.list_all():
        if row["zip_code_type"] == "STANDARD" and row["active"] and row["state"] in STATES:
            groups[(row["city"], row["state"])].append(row["zip_code"])
    by_state: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for city, state in sorted(groups):
        by_state[state].append((city, state))
    share = max(1, CITIES // len(by_state))
    chosen: list[tuple[str, str]] = []
    for state in sorted(by_state):
        cities = sorted(by_state[state], key=lambda c: (-len(groups[c]), c))
        chosen += cities[:share]  # the cities with the most ZIP codes: the larger ones
    cities_out = [[city, state, sorted(groups[(city, state)])] for city, state in sorted(chosen)]
    suffixes = sorted(set(us_address.Provider.street_suffixes))
    return {"cities": cities_out, "states": STATES, "streetSuffixes": suffixes,
            "countries": sorted(set(us_address.Provider.countries))}


def build_words() -> dict[str, Any]:
    jobs = sorted({j.split(",")[0].strip() for j in us_jobs.Provider.jobs if len(j) <= 40})
    return {"professions": jobs}


def _write(name: str, data: dict[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(OUT / name, "wb", mtime=0) as sink:
        sink.write(payload)
    print(f"{name}: {len(payload):,} bytes uncompressed")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    names = build_names()
    for culture, lists in names["cultures"].items():
        print(culture, {k: len(v) for k, v in lists.items()})
    _write("names.json.gz", names)
    places = build_places()
    print(f"cities: {len(places['cities'])}, ZIP codes: {sum(len(c[2]) for c in places['cities'])}")
    _write("places.json.gz", places)
    _write("words.json.gz", build_words())


if __name__ == "__main__":
    main()
