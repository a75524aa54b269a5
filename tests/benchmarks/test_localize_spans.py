"""How the localisation benchmark counts expected spans."""

import json

from benchmarks.localize import definition_span, load_instances, score


def test_module_level_spans_are_not_definitions_and_class_body_spans_are_the_class():
    assert definition_span("imports") is None
    assert definition_span("docstring") is None
    assert definition_span("impl:9") is None
    assert definition_span("Variable:5") == "Variable"
    assert definition_span("Card._split") == "Card._split"


def test_function_accuracy_counts_definitions_and_keeps_the_older_count(tmp_path):
    row = {"instance_id": "x", "problem_statement": "p", "patch": "diff --git a/m.py b/m.py\n",
           "expected_spans": repr({"m.py": ["imports", "impl:3", "C:2", "C.f"]})}
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(json.dumps(row) + "\n")
    [inst] = load_instances(dataset)
    assert inst.gold_functions == ("m.py::C", "m.py::C.f")
    result = {"x": {"files": ["m.py"], "functions": ["m.py::C.f", "m.py::C"], "seconds": 0.1}}
    summary = score([inst], result)
    assert summary["function_acc"][5] == 1.0
    assert summary["function_acc_all_spans"][5] == 0.0  # 'impl:3' and 'C:2' can never be returned


def test_the_split_is_fixed_by_the_instance_id():
    from benchmarks.localize import tuning_half

    assert tuning_half("psf__requests-1142") == tuning_half("psf__requests-1142")
    ids = [f"repo__x-{n}" for n in range(200)]
    assert 60 < sum(map(tuning_half, ids)) < 140  # about half


def test_issue_style_takes_the_strongest_pointer():
    from benchmarks.localize import issue_style

    assert issue_style('Crash\nTraceback (most recent call last):\n  File "x.py", line 3, in f\n') == "traceback"
    assert issue_style("Wrong default\nSee sympy/core/mod.py and `Mod`.") == "file path"
    assert issue_style("Wrong default\n`Mod(3*i, 2)` is unchanged") == "code identifier"
    assert issue_style("Wrong default\n\n    >>> Mod(3, 2)\n") == "code identifier"
    assert issue_style("requests.get always sends a content length header") == "prose only"


def test_misses_are_bucketed_by_the_worst_placed_gold_file():
    from benchmarks.localize import Instance, miss_ranks

    ranked = [f"f{n}.py" for n in range(20)]
    insts = [Instance("a-1", "p", ("f0.py",), ()), Instance("a-2", "p", ("f7.py",), ()),
             Instance("a-3", "p", ("f1.py", "f15.py"), ()), Instance("a-4", "p", ("f2.py", "zz.py"), ())]
    results = {i.instance_id: {"files": ranked, "functions": []} for i in insts}
    assert miss_ranks(insts, results) == {"single-file": {"6-10": ["a-2"]},
                                          "multi-file": {"11-20": ["a-3"], "not listed": ["a-4"]}}
