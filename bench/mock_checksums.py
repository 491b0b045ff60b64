"""Checksum helpers the mock county data modules (bench/mocksite*_data.py) build their
personal-data probes with: valid resident ID numbers (GB 11643), Luhn-valid card numbers,
organisation and unified social credit codes (GB 11714, GB 32100), and mojibake for the
garbled-text probes. Each module once carried its own copy of these, as its author wrote it.
"""

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def make_id(region: str, birth: str, seq: str) -> str:
    """A valid 18-character resident ID number: 6-digit region, yyyymmdd birth date, 3-digit sequence."""
    first17 = region + birth + seq
    assert len(first17) == 17
    return first17 + id_check_char(first17)


def id_valid(num: str) -> bool:
    return len(num) == 18 and num[:17].isdigit() and id_check_char(num[:17]) == num[17].upper()


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to `prefix`."""
    total = 0
    for i, c in enumerate(reversed(prefix)):
        d = int(c)
        if i % 2 == 0:  # these digits are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def luhn_valid(num: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(num)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def org_code_complete(first8: str) -> str:
    """GB 11714 organization code: 8 characters plus check character."""
    s = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - s % 11
    return first8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def uscc_complete(first17: str) -> str:
    """GB 32100 unified social credit code: 17 characters plus check character."""
    s = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return first17 + _USCC_CHARS[(31 - s % 31) % 31]


def mojibake(text: str, codec: str) -> str:
    """`text` as a page of the wrong encoding shows it."""
    return text.encode("utf-8").decode(codec, errors="replace").replace("\ufffd", "?")
