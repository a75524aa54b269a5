"""The GitHub-issue bot: a webhook receiver, a durable SQLite job queue, and a worker that runs
the same ``solve`` as the CLI and answers with a draft pull request or a comment saying why not.

``bot.standin`` is a documented test double of the GitHub API (a real HTTP server on loopback,
with real bare git repositories behind smart HTTP), used by the tests, the load benchmark and
``capuchin bot demo``.
"""
