"""Capuchin's core: pipeline, selection, model client, configuration and CLI.

Nothing is imported here on purpose: importing ``agent`` must stay cheap and free of
side effects, since every CLI command and every test imports it.
"""

__version__ = "0.1.0"
