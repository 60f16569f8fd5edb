"""Certificate codes: format, entropy and how typed codes are read."""

import math
import re
from collections import Counter

import pytest

from webinars.certificates import codes

CODE_RE = re.compile(r"^MW(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}){4}$")


def test_format_and_at_least_80_bits():
    assert codes.BITS >= 80
    assert len(codes.ALPHABET) == 32 and len(set(codes.ALPHABET)) == 32
    assert not set("ILOU") & set(codes.ALPHABET)
    sample = [codes.new_code() for _ in range(5000)]
    assert all(CODE_RE.match(code) for code in sample)
    assert len(set(sample)) == len(sample)
    assert codes.SYMBOLS * math.log2(len(codes.ALPHABET)) >= 80


def test_symbols_are_uniform_at_every_position():
    sample = [codes.new_code().replace("-", "")[2:] for _ in range(6400)]
    for position in range(codes.SYMBOLS):
        counts = Counter(code[position] for code in sample)
        assert set(counts) == set(codes.ALPHABET)
        expected = len(sample) / 32
        chi2 = sum((counts[s] - expected) ** 2 / expected for s in codes.ALPHABET)
        assert chi2 < 80  # 31 degrees of freedom: p < 1e-7 for a fair source


def test_uses_secrets_for_all_80_bits(monkeypatch):
    calls = []

    def randbits(k):
        calls.append(k)
        return (1 << k) - 1

    monkeypatch.setattr(codes.secrets, "randbits", randbits)
    assert codes.new_code() == "MW-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    assert calls == [80]


@pytest.mark.parametrize(
    "typed",
    [
        "MW-7KQ2-XD9P-4HTM-ZC3F",
        "mw-7kq2-xd9p-4htm-zc3f",
        "  MW 7KQ2 XD9P 4HTM ZC3F ",
        "MW7KQ2XD9P4HTMZC3F",
        "7KQ2XD9P4HTMZC3F",
        "7kq2-xd9p-4htm-zc3f",
        "MW–7KQ2—XD9P.4HTM_ZC3F",
        "МW-7КQ2-ХD9Р-4НТМ-ZС3F",  # Cyrillic М, К, Х, Р, Н, Т, С typed on a Russian layout
    ],
)
def test_typed_codes_are_normalised(typed):
    assert codes.normalise_code(typed) == "MW-7KQ2-XD9P-4HTM-ZC3F"


def test_confusable_letters_read_as_digits():
    assert codes.normalise_code("MW-O0I1-L000-0000-0000") == "MW-0011-1000-0000-0000"


@pytest.mark.parametrize(
    "typed",
    ["", None, "MW-7KQ2", "MW-7KQ2-XD9P-4HTM-ZC3", "MW-7KQ2-XD9P-4HTM-ZC3FX", "XX7KQ2XD9P4HTMZC3F", "MW-UUUU-XD9P-4HTM-ZC3F", "x" * 500],
)
def test_not_codes(typed):
    assert codes.normalise_code(typed) is None
