"""`capuchin index / search / localize` and `capuchin bench localize` end to end on small repositories."""

import json
import subprocess

from agent.cli import main


def test_index_then_search(shop_repo, capsys):
    assert main(["index", str(shop_repo), "--no-dense"]) == 0
    assert "5 files (5 parsed now, 0 skipped)" in capsys.readouterr().out
    assert main(["search", str(shop_repo), "currency decimals", "-k", "2", "--no-dense"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[1].startswith("shop/pricing.py::format_price")


def test_localize_json_from_stdin(shop_repo, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Inventory.reserve raises for enough stock"))
    assert main(["localize", str(shop_repo), "--issue", "-", "--json", "--no-dense"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["path"] == "shop/inventory.py"
    assert out["locations"][0]["qualname"] == "Inventory.reserve"


def test_bad_input_is_an_error_message_not_a_traceback(shop_repo, tmp_path, capsys):
    assert main(["localize", str(shop_repo), "--issue", str(tmp_path / "missing.md")]) == 2
    err = capsys.readouterr().err
    assert "issue file" in err
    assert "not found" in err
    assert main(["index", str(tmp_path / "nope"), "--no-dense"]) == 2


def test_bench_localize_writes_resumable_results(shop_repo, tmp_path, capsys):
    checkouts = tmp_path / "checkouts"
    checkouts.mkdir()
    subprocess.run(["git", "clone", "-q", str(shop_repo), str(checkouts / "shop-1")], check=True)
    patch = "diff --git a/shop/inventory.py b/shop/inventory.py\n--- a/shop/inventory.py\n+++ b/shop/inventory.py\n"
    row = {"instance_id": "shop-1", "problem_statement": "reserve fails when stock is low in the warehouse",
           "patch": patch, "expected_spans": "{'shop/inventory.py': ['Inventory.reserve']}"}
    dataset = tmp_path / "data.jsonl"
    dataset.write_text(json.dumps(row) + "\n")
    out = tmp_path / "res.jsonl"
    args = ["bench", "localize", "--dataset", str(dataset), "--checkouts", str(checkouts), "--out", str(out),
            "--no-dense"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "file Acc@1: 1.000" in printed
    result = json.loads(out.read_text())
    assert result["files"][0] == "shop/inventory.py"
    assert "shop/inventory.py::Inventory.reserve" in result["functions"][:5]
    assert main(args) == 0  # resumed: nothing new is appended
    assert len(out.read_text().splitlines()) == 1


def test_localize_with_llm_puts_the_models_pick_first(shop_repo, capsys, monkeypatch):
    """The model is a ScriptedServer (an OpenAI-compatible stand-in) reached through the configured endpoint."""
    from agent.testing import Reply, ScriptedServer

    issue = "Inventory.reserve raises for enough stock"
    with ScriptedServer([Reply(["shop/pricing.py"]), Reply(["shop/pricing.py::format_price"])]) as server:
        monkeypatch.setenv("CAPUCHIN_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("CAPUCHIN_LLM__MODEL", "scripted")
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(issue))
        assert main(["localize", str(shop_repo), "--issue", "-", "--json", "--no-dense", "--llm"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["path"] == "shop/pricing.py"
    assert out["locations"][0]["reasons"][-1] == "llm pick"
    assert "Which files must be edited" in server.requests[0]["messages"][-1]["content"]


def test_index_counts_and_names_the_files_it_skipped(shop_repo, capsys):
    (shop_repo / "shop" / "latin1.py").write_bytes(b"NAME = '\xe9'\n")
    assert main(["index", str(shop_repo), "--no-dense"]) == 0
    out, err = capsys.readouterr()
    assert "1 skipped" in out
    assert "shop/latin1.py: skipped: not UTF-8" in err
