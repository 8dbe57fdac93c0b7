"""Thai letter text as it arrives, made regular enough to read.

Letters come pasted from a PDF, typed again or scanned: zero-width characters, doubled vowels
and tone marks, stray marks in a label (``เรือง`` for ``เรื่อง``), Thai and Arabic digits mixed.
pythainlp's normaliser's steps clean every line (``remove_zw``, ``remove_repeat_vowels``; not
``normalize`` as a whole, which would also squeeze the spaces that separate the reference from
the office), and ``label_pattern`` makes a label's pattern forgive a slip in its marks.
"""

import re

from pythainlp.util import remove_repeat_vowels, remove_zw

DIGIT = "[0-9๐-๙]"
DIGITS = re.compile(DIGIT)
# Thai vowels and tone marks written above or below the consonant.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
THAI_LETTER = re.compile("[\u0e01-\u0e4e]")


def label_pattern(word: str, *, spaced: bool = False, swaps: dict[str, str] | None = None) -> str:
    """A pattern for a label that tolerates scanning slips in its marks.

    Every vowel or tone mark above or below the line becomes optional and any such marks may
    stand after each letter, so ``เรือง`` and ``เร่ือง`` still read as ``เรื่อง``. ``swaps`` lets a
    letter be misread as a look-alike (น as บ), ``spaced`` allows stray spaces inside a long
    label.
    """
    parts = []
    for char in word:
        if re.match(f"[{_MARKS}]", char):
            continue
        choice = re.escape(char)
        if swaps and char in swaps:
            choice = f"[{re.escape(char)}{swaps[char]}]"
        parts.append(f"{choice}[{_MARKS}]*")
    return (" ?" if spaced else "").join(parts)


def clean_lines(text: str) -> list[str]:
    """The letter's lines with one kind of line break and space, without zero-width characters
    or doubled marks, and without trailing spaces (leading ones mark a paragraph)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\t", "    ").replace("\u00a0", " ").replace("\u202f", " ")
    return [remove_repeat_vowels(remove_zw(line)).rstrip() for line in text.split("\n")]


def squeeze(text: str) -> str:
    """Runs of white space as one space, none at the ends."""
    return re.sub(r"\s+", " ", text).strip()
