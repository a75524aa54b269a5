"""Training Capuchin's own code encoder (the dense stage's static model).

``mine.py`` turns git histories into (commit message, changed function/class) pairs;
``train_static.py`` trains a model2vec-format static encoder on them contrastively;
``build.sh`` does both from bare mirrors in one command with a seed:

    bash retrieval/train/build.sh MIRRORS OUT [SEED]

The weights (about 15 MB) are not in git. They are an artifact: build them with the
command above (a GPU takes seconds to train, a CPU minutes) and point
``retrieval.embedding_model`` at ``OUT/model`` with ``retrieval.embedding_backend =
"model2vec"``. ``OUT/model/MODEL_CARD.md`` names the base model and its licence, the
repositories and commits the pairs came from, the seed and the Capuchin commit.

The file reranker (``retrieval.rerank``) is trained the same way from the same histories:
``mine_rerank.py`` turns the pairs into listwise groups (a commit message, a file it
changed, files it did not, all as file outlines) and ``train_rerank.py`` fine-tunes
all-MiniLM-L6-v2 as a cross-encoder on them; ``build_rerank.sh`` runs the whole chain:

    bash retrieval/train/build_rerank.sh MIRRORS OUT [SEED]

Issue-style training text for the same reranker comes from ``mine_fragments.py`` (towncrier news
fragments) and ``mine_changelog.py`` (the changelog lines each fixing commit added); both write pairs that
``mine_rerank.py --pairs`` takes, fragments first.

Its weights (45 MB in float16) are an artifact too: the model card beside them says where
they came from, and ``retrieval.rerank_model`` points at the directory.
"""
