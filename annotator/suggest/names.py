"""Capitalised name sequences, shared by the citation and actor suggesters."""

from __future__ import annotations

# A capitalised word (letters of any script, inner apostrophes, hyphens, dots, &),
# optionally joined to the next by a lower-case particle: "Bank of England", "van Dijk".
_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'&.-]*\w|[A-Z]\.?)"
_PARTICLE = r"(?:of|for|and|de|del|da|van|von|der|den|du|le|la|al|bin|the|on)"
NAME = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,5}}"

# Capitalised words that begin sentences or stand for someone without naming them.
NOT_NAMES = frozenset(
    """A An The This That These Those It Its He She They We I You His Her Their Our Mr Mrs Ms Dr
    But And Or If When While After Before As In On At By For From With Without Under Over Not
    Officials Critics Analysts Experts Sources Others Police Residents Some Many Most Several
    Ministers Economists Scientists Delegates Witnesses Observers Protesters Campaigners
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Today Yesterday Tomorrow
    One Two Three Four Five Six Seven Eight Nine Ten Both Neither Nobody Everyone Anyone""".split()
)


def trim_name(name: str) -> tuple[int, str] | None:
    """Drop leading words that are not part of a name; ``(offset dropped, rest)`` or None."""
    words = name.split()
    dropped = 0
    while words and words[0] in NOT_NAMES:
        dropped = name.index(words[1], dropped) if len(words) > 1 else len(name)
        words.pop(0)
    # a trailing particle or a trailing non-name ("Brussels on") is not part of the name
    rest = name[dropped:]
    while words and (words[-1].islower() or words[-1] in NOT_NAMES):
        rest = rest[: rest.rindex(words[-1])].rstrip()
        words.pop()
    if not words:
        return None
    return dropped, rest
