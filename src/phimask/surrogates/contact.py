"""Phone and fax numbers, e-mail addresses and URLs, each in the shape of the original."""

from __future__ import annotations

import re
import unicodedata

from phimask.surrogates.atoms import Atoms
from phimask.surrogates.data import ANGLO, names
from phimask.surrogates.names import initial, name_word
from phimask.surrogates.shapes import DIGITS, KeyedRandom, case_like, fill_digits, shape_like

PUBLIC_MAIL = frozenset({"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com",
                         "msn.com", "live.com", "comcast.net", "verizon.net", "att.net", "protonmail.com",
                         "me.com", "mail.com", "gmx.com", "gmx.de", "yahoo.co.uk", "hotmail.co.uk"})
KEEP_LABELS = frozenset({"www", "mail", "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz",
                         "health", "co", "ac", "nhs", "html", "htm", "php", "aspx", "jsp", "index", "home",
                         "http", "https", "ftp", "api", "fhir", "portal", "patient", "patients", "doctors",
                         "profile", "about", "contact", "login", "user", "users", "id"})
_LETTER_RUN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[^\W\d_]+")
_DIGIT_RUN = re.compile(r"\d+")


def fold(word: str) -> str:
    """Accents dropped: 'Tomàs' -> 'Tomas' (e-mail local parts and host names are ASCII)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _nanp(rng: KeyedRandom) -> str:
    """A 10-digit North American number: area and exchange codes that exist in form
    (first digit 2-9, no N11), not the 555 exchange."""
    while True:
        area = f"{rng.between(2, 9)}{rng.between(0, 8)}{rng.below(10)}"
        exchange = f"{rng.between(2, 9)}{rng.below(10)}{rng.below(10)}"
        if area[1:] != "11" and exchange[1:] != "11" and exchange != "555":
            return area + exchange + "".join(rng.choice(DIGITS) for _ in range(4))


def _phone_digits(digits: str, international: bool, rng: KeyedRandom) -> str:
    if len(digits) == 10 and not international and digits[0] not in "01":
        return _nanp(rng)
    if len(digits) == 11 and digits[0] == "1" and digits[1] not in "01":
        return "1" + _nanp(rng)
    keep = 2 if international and len(digits) > 8 else 0  # the country code stays
    head = digits[:keep] + (digits[keep] if digits[keep:keep + 1] == "0" else str(rng.between(1, 9)))
    return head + "".join(rng.choice(DIGITS) for _ in digits[len(head):])


def render_phone(value: str, atoms: Atoms) -> str:
    """Same separators, brackets and extension words; new digits."""
    digits = "".join(c for c in value if c.isdigit())
    if not digits:
        return value
    international = value.lstrip().startswith(("+", "00"))
    drawn = atoms.get("phone", digits, lambda rng: _phone_digits(digits, international, rng))
    return fill_digits(value, drawn)


def _word(word: str, atoms: Atoms) -> str:
    """A letter run of an e-mail address or URL: a name word when it is one, else a surname
    of about the same length (an initial stays one letter); ASCII stays ASCII."""
    if len(word) == 1:
        return initial(word, atoms)
    if len(word) > 2 and names().info(word) is not None:
        new = name_word(word, atoms)
        return fold(new) if word.isascii() else new
    pool = [n for n in names().pool(ANGLO, "last") if abs(len(n) - len(word)) <= 2 and n.isascii()]
    drawn = atoms.get("word", word, lambda rng: rng.choice(pool) if pool else shape_like(word, rng),
                      claim=False)
    return case_like(word, drawn) if not word[:1].isupper() or word.isupper() else drawn


def _text_part(part: str, atoms: Atoms) -> str:
    """Letter runs to words, digit runs to digits; dots, dashes and the rest kept."""
    def letters(match: re.Match[str]) -> str:
        word = match.group()
        return word if word.casefold() in KEEP_LABELS else _word(word, atoms)

    part = _LETTER_RUN.sub(letters, part)
    return _DIGIT_RUN.sub(lambda m: atoms.get("digits", m.group(), lambda rng: shape_like(m.group(), rng),
                                              claim=False), part)


def _domain(domain: str, atoms: Atoms) -> str:
    if domain.casefold() in PUBLIC_MAIL:
        return domain
    labels = domain.split(".")
    tail = 2 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 1  # co.uk
    return ".".join([_text_part(label, atoms) for label in labels[:-tail]] + labels[-tail:])


def render_email(value: str, atoms: Atoms) -> str:
    local, at, domain = value.rpartition("@")
    if not at:
        return _text_part(value, atoms)
    return f"{_text_part(local, atoms)}@{_domain(domain, atoms)}"


_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>[^/?#\s]*)(?P<rest>.*)",
                  re.IGNORECASE | re.DOTALL)


def render_url(value: str, atoms: Atoms) -> str:
    """Scheme, ``www.``, top-level domain and common path words kept; the rest replaced."""
    match = _URL.fullmatch(value)
    assert match is not None
    host, port = match["host"], ""
    if ":" in host:
        host, _, port = host.partition(":")
        port = ":" + port
    return (match["scheme"] or "") + _domain(host, atoms) + port + _text_part(match["rest"], atoms)
