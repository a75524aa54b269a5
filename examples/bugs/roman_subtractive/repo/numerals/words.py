"""English words for integers below one million."""

from __future__ import annotations

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest or not hundreds:
        parts.append(_ONES[rest])
    return " and ".join(parts) if hundreds and rest else " ".join(parts)


def to_words(number: int) -> str:
    """``1234`` -> ``"one thousand two hundred and thirty-four"`` (British ``and``)."""
    if not 0 <= number < 1_000_000:
        raise ValueError("only 0..999999 is supported")
    thousands, rest = divmod(number, 1000)
    if not thousands:
        return _below_thousand(rest)
    head = f"{_below_thousand(thousands)} thousand"
    if not rest:
        return head
    joiner = " and " if rest < 100 else " "
    return head + joiner + _below_thousand(rest)
