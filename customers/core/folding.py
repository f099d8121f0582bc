"""Names as people type them: one spelling for the search, whatever the keyboard did.

Vietnamese writes the same word two ways: the tone mark on the first or the second vowel of
``oa``, ``oe`` and ``uy`` (*Hòa* / *Hoà*, *Thủy* / *Thuỷ*, the old and the new style); an
input method may send composed or decomposed Unicode; staff often type without diacritics.
``fold`` maps all of these to the same lowercase ASCII-like text (``đ`` becomes ``d``,
punctuation a space), which is what the search columns ``*_folded`` hold and what a search
term is compared with. ``tones_new_style`` keeps the diacritics and only moves the tone mark
to where the new style writes it: the ranking uses it to put the spelling typed first.

Unicode's decomposition is ``unicodedata``'s; only the Vietnamese rule is written here.
"""

import unicodedata

# The five tone marks, as combining characters: huyền, sắc, ngã, hỏi, nặng.
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowel pairs whose tone mark the two styles put on different letters.
PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})


def _letters(text: str) -> list[list]:
    """``text`` decomposed into [base character, [its combining marks]]."""
    letters: list[list] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and letters:
            letters[-1][1].append(ch)
        else:
            letters.append([ch, []])
    return letters


def tones_new_style(text: str) -> str:
    """``text`` in NFC with the tone of ``oa``, ``oe``, ``uy`` on the second vowel (*Hoà*,
    *khoẻ*, *Thuỷ*), the letters and their other marks unchanged. Where a final consonant
    follows (*Hoàng*) both styles already agree; a tone typed on the first vowel there is
    moved too, which is what the writer meant."""
    letters = _letters(text)
    for first, second in zip(letters, letters[1:], strict=False):
        if (first[0].lower(), second[0].lower()) not in PAIRS or second[1]:
            continue
        if len(first[1]) == 1 and first[1][0] in TONES:
            first[1], second[1] = [], first[1]
    return unicodedata.normalize("NFC", "".join(base + "".join(marks) for base, marks in letters))


def fold(text: str) -> str:
    """Lowercase, no diacritics, ``đ`` as ``d``, words separated by one space: the text the
    search compares. Moving a tone mark never changes it, so neither style needs undoing."""
    out = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(ch):
            continue
        if ch == "đ":
            ch = "d"
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).split())


def tones_old_style(text: str) -> str:
    """``text`` in NFC with the tone of a final ``oa``, ``oe``, ``uy`` on the first vowel
    (*Hòa*, *khỏe*, *Thủy*); ``Hoàng`` and ``Quý`` (``qu`` is a consonant) stay as they are."""
    letters = _letters(text)
    for i, (first, second) in enumerate(zip(letters, letters[1:], strict=False)):
        if (first[0].lower(), second[0].lower()) not in PAIRS or first[1]:
            continue
        final = i + 2 == len(letters) or not letters[i + 2][0].isalpha()
        after_q = i > 0 and letters[i - 1][0].lower() == "q"
        if final and not after_q and len(second[1]) == 1 and second[1][0] in TONES:
            first[1], second[1] = second[1], []
    return unicodedata.normalize("NFC", "".join(base + "".join(marks) for base, marks in letters))
