"""Edits from model output: parse, splice whole functions/classes by syntax tree, diff."""
