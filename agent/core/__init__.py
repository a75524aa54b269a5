"""The ground layer: what every package of Capuchin may import, and which imports none of them.

``types`` (the data passed between stages), ``protocols`` (Model, Retriever, Sandbox),
``errors`` (user-facing errors and end states), ``events`` (the event bus), ``config`` (settings
and their provenance), ``cancel`` (the cancel token), ``completion`` (model answers and usage),
``inputs`` (checking a repository and reading an issue), ``paths`` (which files are tests),
``loader`` (``module:attr`` names), ``services`` (what the CLI lends stage commands).
``tests/agent/test_layers.py`` keeps it at the bottom.
"""
