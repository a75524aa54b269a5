"""The one rule for "the model left code out here": words that small models write in place of code."""

from __future__ import annotations

import re

ELISION_WORDS = r"\.\.\.|existing (?:code|methods)|unchanged|rest of|same as before|omitted|other methods"
ELISION_COMMENT = re.compile(ELISION_WORDS, re.I)
"""Matches the text of a comment that stands for left-out code (``# ... rest unchanged``)."""
ELISION_IN_CODE = re.compile(rf"#.*(?:{ELISION_WORDS})", re.I)
"""Finds such a comment anywhere in a block of code."""
