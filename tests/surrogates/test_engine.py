"""Surrogates: same type and shape, valid check digits and US address rows, deterministic per
scope, one-to-one through a registry (fictional PHI only)."""

from __future__ import annotations

import re

import pytest

from phimask.entities import EntityType as T
from phimask.surrogates import MemoryRegistry, SurrogateEngine
from phimask.surrogates.contact import fold
from phimask.surrogates.data import names, places
from phimask.surrogates.shapes import KeyedRandom, iban_valid, luhn_valid, vin_valid

SALT = b"s" * 32


def one(kind: T, value: str, salt: bytes = SALT) -> str:
    return SurrogateEngine(salt).render([(kind, value)])[0]


def shape(value: str) -> str:
    return re.sub(r"[A-Z]", "A", re.sub(r"[a-z]", "a", re.sub(r"\d", "9", value)))


def test_keyed_random_is_deterministic() -> None:
    draws = [KeyedRandom("seed").below(1000) for _ in range(3)]
    assert len(set(draws)) == 1
    rng = KeyedRandom("seed")
    assert [rng.below(10**9) for _ in range(5)] != [KeyedRandom("other").below(10**9) for _ in range(5)]


@pytest.mark.parametrize(("kind", "value"), [
    (T.PHONE_OR_FAX, "(302) 555-0134"), (T.PHONE_OR_FAX, "302.555.0134"),
    (T.PHONE_OR_FAX, "+44 20 7946 0958"), (T.PHONE_OR_FAX, "555-0134 x12"), (T.ID, "RQ36114734"),
    (T.ID, "mrn-0042-b"), (T.ID, "123-45-6789"),
    (T.OTHER, "4111 1111 1111 1111"), (T.OTHER, "10.0.12.7"),
])
def test_same_shape(kind: T, value: str) -> None:
    new = one(kind, value)
    assert new != value
    if kind is T.OTHER and "." in value:
        assert all(0 < int(p) < 255 for p in new.split("."))
    else:
        assert shape(new) == shape(value)


def test_check_digits_are_valid() -> None:
    card = one(T.OTHER, "4111111111111111")
    assert luhn_valid(card) and card[0] == "4"
    assert iban_valid(one(T.OTHER, "GB82WEST12345698765432"))
    assert vin_valid(one(T.ID, "1HGCM82633A004352"))
    npi = one(T.ID, "1234567893")
    assert luhn_valid("80840" + npi)
    area, group, serial = one(T.ID, "123-45-6789").split("-")
    assert area not in {"000", "666"} and not area.startswith("9") and group != "00" and serial != "0000"


def test_names_keep_case_titles_and_word_mapping() -> None:
    engine = SurrogateEngine(SALT)
    caps, plain, short, titled = engine.render([(T.NAME, "SALAZAR, CARLOS"), (T.NAME, "Carlos Salazar"),
                                                (T.NAME, "Mr. Salazar"), (T.NAME, "Dr. Odessa Quillon, MD")])
    last, first = caps.split(", ")
    assert caps.isupper() and plain.upper() == f"{first} {last}"
    assert short.startswith("Mr. ") and short[4:].upper() == last
    assert titled.startswith("Dr. ") and titled.endswith(", MD")


def test_first_names_keep_gender_where_the_lexicon_knows_it() -> None:
    pools = names()
    for name, role in [("Mary", "female"), ("Robert", "male"), ("Giuseppe", "male")]:
        info = pools.info(name)
        assert info is not None and info.role == role
        new = one(T.NAME, name)
        assert new in pools.pool(info.culture, role) or new in pools.pool("anglo", role)


def test_addresses_are_valid_city_state_zip_rows() -> None:
    rows = {(c, s): set(z) for c, s, z in places().cities}
    engine = SurrogateEngine(SALT)
    for value in ["12 Elm Rd, Dover, DE 19901", "Boston, MA 02115",
                  "123 N Main St., Apt 4B\nSpringfield, IL 62704", "BOX 1234\nBOS MA 02115-1234"]:
        new = engine.render([(T.ADDRESS, value)])[0]
        match = re.search(r"([^\n,]+?),? ([A-Z]{2}) (\d{5})(-\d{4})?$", new)
        assert match, new
        city, state, zip_code = match.group(1).strip(), match.group(2), match.group(3)
        found = {k: v for k, v in rows.items() if k[0].upper() == city.upper() and k[1] == state}
        assert found and zip_code in next(iter(found.values())), new
    street = engine.render([(T.ADDRESS, "123 N Main St., Apt 4B\nSpringfield, IL 62704")])[0]
    assert re.match(r"\d{3} N \w+ \w+\., Apt \d[A-Z]\n", street), street


def test_facilities_keep_their_generic_words() -> None:
    engine = SurrogateEngine(SALT)
    general, assisted, caps = engine.render([(T.ADDRESS, "Massachusetts General Hospital"),
                                             (T.ADDRESS, "Carpenter Assisted living"), (T.ADDRESS, "BOSTON")])
    assert general.endswith(" General Hospital") and not general.startswith("Massachusetts")
    assert assisted.endswith(" Assisted living") and not assisted.startswith("Carpenter")
    assert caps.isupper() and caps != "BOSTON"


def test_a_city_keeps_its_surrogate_alone_and_in_an_address() -> None:
    engine = SurrogateEngine(SALT)
    alone, full = engine.render([(T.ADDRESS, "Boston"), (T.ADDRESS, "Boston, MA 02115")])
    assert full.startswith(alone + ", ")


def test_emails_and_urls_keep_their_structure() -> None:
    engine = SurrogateEngine(SALT)
    name, mail, url = engine.render([(T.NAME, "Carlos Salazar"), (T.EMAIL, "carlos.salazar@gmail.com"),
                                     (T.URL, "https://www.stjude.org/patients/12345")])
    assert mail.endswith("@gmail.com") and mail.split("@")[0] == fold(name.lower().replace(" ", "."))
    assert mail.isascii()
    assert re.fullmatch(r"https://www\.[a-z]+\.org/patients/\d{5}", url), url


def test_ages_dates_professions_and_unparseable_dates() -> None:
    engine = SurrogateEngine(SALT)
    old, young, job, holiday = engine.render([(T.AGE, "93"), (T.AGE, "45"), (T.PROFESSION, "nurse"),
                                              (T.DATE, "Christmas")])
    assert (old, young) == ("90+", "45")
    assert job != "nurse" and job == job.lower()
    assert holiday != "Christmas" and shape(holiday) == shape("Christmas")


def test_deterministic_per_scope_and_different_across_scopes() -> None:
    items = [(T.NAME, "Ignatius Fairweather"), (T.PHONE_OR_FAX, "(302) 555-0134"), (T.DATE, "03/14/2011"),
             (T.ID, "RQ36114734"), (T.ADDRESS, "12 Elm Rd, Dover, DE 19901")]
    first = SurrogateEngine(SALT).render(items)
    assert SurrogateEngine(SALT).render(items) == first
    other = SurrogateEngine(b"t" * 32).render(items)
    assert all(a != b for a, b in zip(first, other, strict=True))


def test_the_same_name_across_100_documents_gets_one_surrogate() -> None:
    engine = SurrogateEngine(SALT)
    first: set[str] = set()
    last: set[str] = set()
    forms = ["Ignatius Fairweather", "FAIRWEATHER, IGNATIUS", "Mr. Fairweather", "ignatius fairweather"]
    for number in range(100):
        form = number % 4
        value = forms[form]
        words = re.findall(r"[^\W\d_]+", engine.render([(T.NAME, value), (T.NAME, f"Odessa{number}")])[0])
        if form == 1:
            words.reverse()
        if form == 2:
            last.add(words[1].casefold())
        else:
            first.add(words[0].casefold())
            last.add(words[1].casefold())
    assert len(first) == 1 and len(last) == 1 and first != {"ignatius"} and last != {"fairweather"}


def test_a_refused_surrogate_is_drawn_again() -> None:
    registry = MemoryRegistry()
    engine = SurrogateEngine(SALT, registry)
    results = engine.render([(T.ID, f"A{n:03d}") for n in range(200)])  # a small pool: 26 x 1000
    assert len(set(results)) == 200


def test_surrogates_differ_from_the_original() -> None:
    for value in ["Smith", "John", "Maria Garcia", "A1", "Boston"]:
        assert one(T.NAME, value).casefold() != value.casefold()
