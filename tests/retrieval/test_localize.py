"""The retrieval-only localiser, maps under budget, and R2C2 context on a small repository."""

import numpy as np

from agent.core.protocols import Retriever
from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval.maps import file_map, fit, schematic_map
from retrieval.rank import combine
from retrieval.text import count_tokens

CONFIG = RetrievalConfig(dense=False)

ISSUE = """Discount applied twice?

Cart.total() returns a wrong amount when the subtotal is above 100:

    Traceback (most recent call last):
      File "/home/me/venv/lib/python3.11/site-packages/shop/cart.py", line 17, in total
      File "/home/me/venv/lib/python3.11/site-packages/shop/pricing.py", line 8, in apply_discount
    ValueError
"""


def test_localizer_is_a_retriever(shop_repo):
    assert isinstance(Localizer(RepoIndex.open(shop_repo, CONFIG)), Retriever)


def test_stack_frames_and_names_rank_files_and_functions(shop_repo):
    localizer = Localizer(RepoIndex.open(shop_repo, CONFIG), CONFIG)
    files = [p for p, _ in localizer.rank_files(ISSUE)]
    assert set(files[:2]) == {"shop/cart.py", "shop/pricing.py"}
    assert "tests/test_cart.py" not in files  # tests do not compete by default
    keys = [loc.key for loc in localizer.localize(ISSUE, top_k=3)]
    assert "shop/pricing.py::apply_discount" in keys
    assert "shop/cart.py::Cart.total" in keys
    top = localizer.localize(ISSUE, top_k=1)[0]
    assert top.reasons
    assert top.start_line < top.end_line


def test_plain_words_find_the_right_file_without_exact_names(shop_repo):
    localizer = Localizer(RepoIndex.open(shop_repo, CONFIG), CONFIG)
    assert localizer.rank_files("not enough stock left in the warehouse")[0][0] == "shop/inventory.py"


def test_fusion_prefers_items_several_signals_agree_on():
    signals = {"a": np.array([3.0, 2.0, 1.0]), "b": np.array([0.0, 5.0, 0.0])}
    fused = combine(signals, {"a": 1.0, "b": 1.0}, mask=np.array([True, True, True]))
    assert int(fused.argmax()) == 1


def test_fit_is_the_longest_prefix_under_budget():
    items = [f"line {i}" for i in range(100)]
    text = fit(items, "\n".join, 30)
    assert count_tokens(text) <= 30
    assert count_tokens("\n".join(items[: len(text.splitlines()) + 1])) > 30


def test_maps_fit_their_budget(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    fmap = file_map(index.graph.files, index.paths, 25)
    assert count_tokens(fmap) <= 25
    assert fmap.splitlines()[0].startswith("shop/__init__.py: A tiny shop.")
    parsed = index.parsed("shop/cart.py")
    full = schematic_map(parsed, 10_000)
    assert "def total(self):" in full
    assert "subtotal = sum" not in full  # bodies are elided
    small = schematic_map(parsed, 70, priority=["Cart.total"])
    assert count_tokens(small) <= 70
    assert "def total" in small
    assert "def add_item" not in small


def test_context_holds_targets_skeletons_and_related_code_within_budget(shop_repo):
    localizer = Localizer(RepoIndex.open(shop_repo, CONFIG), CONFIG)
    locations = localizer.localize(ISSUE, top_k=2)
    ctx = localizer.context(locations, budget_tokens=400)
    assert ctx.tokens <= 400
    assert ctx.tokens == sum(b.tokens for b in ctx.blocks)
    roles = [b.role for b in ctx.blocks]
    assert roles[0] == "target"
    assert "skeleton" in roles
    keys = [(b.path, b.qualname, b.role) for b in ctx.blocks]
    assert len(keys) == len(set(keys))
    assert "def apply_discount" in ctx.render()
    tiny = localizer.context(locations, budget_tokens=60)
    assert tiny.tokens <= 60


class ScriptedModel:
    """Test double for agent.core.protocols.Model: returns the scripted answers in turn, records prompts."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.prompts = []

    def complete(self, messages, *, n=1, temperature=0.0, max_tokens=None):
        self.prompts.append(messages[-1]["content"])
        return [self.answers.pop(0)]


def test_llm_stages_promote_the_models_picks(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    model = ScriptedModel(["shop/inventory.py\n", "shop/inventory.py::Inventory.reserve\n"])
    locations = Localizer(index, CONFIG, model=model).localize("the cart total is wrong", top_k=5)
    assert locations[0].key == "shop/inventory.py::Inventory.reserve"
    assert "llm pick" in locations[0].reasons
    assert "shop/inventory.py: Stock levels" in model.prompts[0]
    assert "def reserve(self, name, count):" in model.prompts[1]


def test_file_ranking_shows_the_models_pick_and_asks_once_per_issue(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    model = ScriptedModel(["shop/inventory.py\n", "nothing"])
    localizer = Localizer(index, CONFIG, model=model)
    files = localizer.rank_files("the cart total is wrong")
    assert files[0][0] == "shop/inventory.py"
    localizer.localize("the cart total is wrong", top_k=5)
    assert len(model.prompts) == 2  # one file pick, one narrowing: the pick was not asked again


def test_llm_answer_naming_nothing_keeps_retrieval_order(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    plain = Localizer(index, CONFIG).localize("cart total discount", top_k=5)
    model = ScriptedModel(["no idea", "nothing here"])
    assert Localizer(index, CONFIG, model=model).localize("cart total discount", top_k=5) == plain


def test_subclasses_of_named_classes_are_family(shop_repo):
    (shop_repo / "shop/special.py").write_text("from shop.cart import Cart\n\n\nclass GiftCart(Cart):\n    pass\n")
    index = RepoIndex.open(shop_repo, CONFIG)
    assert index.graph.subclasses["Cart"] == [("shop/special.py", "GiftCart")]
    from retrieval.signals import extract

    sig = extract(index.graph, "Cart totals are wrong")
    assert "shop/special.py" in sig.family_files
    assert "shop/cart.py" in sig.title_files


def test_unreachable_model_keeps_retrieval_order_and_says_so(shop_repo):
    from agent.core.errors import LLMError
    from agent.core.events import EventBus

    class DownModel:
        def complete(self, messages, **kwargs):
            raise LLMError("connection refused")

    index = RepoIndex.open(shop_repo, CONFIG)
    index.bus = bus = EventBus()
    plain = Localizer(index, CONFIG).localize("cart total discount", top_k=5)
    assert Localizer(index, CONFIG, model=DownModel()).localize("cart total discount", top_k=5) == plain
    assert [e.message for e in bus.history if e.kind == "log"] == [
        "model unavailable, keeping retrieval's order: connection refused"] * 2


def test_model_answers_are_read_in_the_spellings_models_use():
    from retrieval.llm_stages import _picked

    known = ["sphinx/util/inspect.py::getargspec", "sphinx/util/inspect.py::signature_from_str",
             "sphinx/util/inspect.py::Signature", "sphinx/util/inspect.py::Signature.format_args"]
    answer = ("```python\nsphinx.util.inspect.signature_from_str\n"
              "sphinx/util/inspect.py:Signature.format_args\nsphinx/util/inspect.py.getargspec_extra\n")
    assert _picked(answer, known) == ["sphinx/util/inspect.py::signature_from_str",
                                      "sphinx/util/inspect.py::Signature.format_args"]
    # a longer dotted name that merely ends in a known one is not that one
    assert _picked("other.sphinx.util.inspect.getargspec", known) == []


def test_a_model_copying_the_whole_list_picks_only_the_first_five():
    from retrieval.llm_stages import PICKS, _picked

    known = [f"pkg/m{i}.py" for i in range(30)]
    assert _picked("\n".join(f"{p}: module {p}" for p in reversed(known)), known) == known[::-1][:PICKS]
