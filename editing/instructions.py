"""The edit format as the model is told it, kept beside the parser that reads it.

Prompt builders put ``EDIT_INSTRUCTIONS`` in the system (or first user) message; the
example in it is parsed and applied by the test suite, so the instructions and the
parser cannot drift apart.
"""

from __future__ import annotations

EXAMPLE_ANSWER = """The total ignores quantities; `subtotal` must multiply by them.

### shop/cart.py
```python
import math


class Cart:
    @property
    def subtotal(self):
        return sum(item.price * item.quantity for item in self.items)

    def rounded_total(self):
        return math.floor(self.subtotal * 100) / 100
```
"""

EDIT_INSTRUCTIONS = f"""\
Fix the issue by rewriting whole definitions.

- For every function, method or class you change, write its complete new code: the whole
  definition with its decorators, not a diff and not only the changed lines. Never leave parts
  out with `...` or comments such as "rest unchanged".
- Put each file's code in a ```python block, preceded by a line with the file's path:
  `### path/to/file.py`.
- A method goes inside its class: write `class ClassName:` followed by only the methods you
  change or add (other members stay as they are).
- You may add new functions, methods or imports; write them in the same block, where they belong.
  Only add a new function if your changed code uses it.
- Keep the existing names and indentation style; write only code that changes.

Example:
{EXAMPLE_ANSWER}
If a change cannot be written as whole definitions (say, a module-level statement), use a
search/replace block instead, copying the existing lines exactly:

### path/to/file.py
<<<<<<< SEARCH
existing lines
=======
new lines
>>>>>>> REPLACE
"""
