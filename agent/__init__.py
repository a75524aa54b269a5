"""Capuchin's orchestration on top of ``agent.core`` (the ground layer): the pipeline, verification,
selection, the model client, trajectories and the CLI.

Nothing is imported here on purpose: importing ``agent`` must stay cheap and free of
side effects, since every CLI command and every test imports it.
"""

__version__ = "0.1.0"
