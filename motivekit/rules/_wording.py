"""Controlling language in the words a team writes: a short, documented list of phrases.

Vansteenkiste et al. (2004) gave students the same learning task framed in
autonomy-supportive words ("you can", "you might") or controlling ones ("you should",
"you have to"); the controlling framing lowered deep learning, test performance and
persistence. The phrases here are the ones that tell people what they must do, or rush
them with a scarcity or a loss. Matching is case-insensitive, on whole words, and reads
a typographic apostrophe (U+2019) as a plain one, so ``Must`` and ``don't miss`` are found
but ``mustard`` and ``shoulder`` are not. docs/designing.md (controlling-language) lists the
phrases; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["CONTROLLING_PHRASES", "controlling_phrases"]

CONTROLLING_PHRASES: tuple[str, ...] = (
    # obligation: telling people what they must do
    "should",
    "shouldn't",
    "must",
    "mustn't",
    "have to",
    "has to",
    "had better",
    "you'd better",
    "gotta",
    "ought to",
    "required to",
    "obligatory",
    "mandatory",
    "no excuses",
    "or else",
    # urgency and loss: rushing people or threatening what they would miss
    "don't miss",
    "do not miss",
    "dont miss",
    "last chance",
    "hurry",
    "act now",
    "before it's too late",
    "don't break",
    "don't lose",
)
"""The phrases flagged, lower case, with a plain apostrophe."""

_PATTERN = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(
        re.escape(p).replace(r"\ ", r"\s+")
        for p in sorted(CONTROLLING_PHRASES, key=len, reverse=True)
    )
    + r")(?![\w'])",
    re.IGNORECASE,
)


def controlling_phrases(text: str) -> Iterator[tuple[int, str]]:
    """(offset, phrase as written) of every controlling phrase in ``text``, in order."""
    plain = text.replace("\u2019", "'")  # same length: offsets stay those of ``text``
    for match in _PATTERN.finditer(plain):
        yield match.start(), text[match.start() : match.end()]
