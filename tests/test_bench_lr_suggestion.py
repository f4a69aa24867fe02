"""The learning-rate bench (bench/lr_suggestion.py) runs on a tiny budget and hands back
its figures: the range test's outcome, the dev errors with the rule's candidate and with
the default rate, and the verdict."""

from __future__ import annotations

import statistics

import pytest

from bench import lr_suggestion


# A real range test and two short runs, 15 s on 2 idle cores; `make test-slow` runs it.
@pytest.mark.slow
def test_the_lr_bench_compares_the_candidate_with_the_default_rate():
    lines = []
    result = lr_suggestion.run_bench(seeds=1, epochs=2, only=("wine",), report=lines.append)
    (wine,) = result.figures
    assert (wine.name, wine.kind, result.seeds, result.epochs) == ("wine", "mlp", 1, 2)
    assert wine.code in ("found", "keep_default", "no_decrease", "not_finite")
    assert len(wine.default_errors) == 1 and 0 <= wine.default_errors[0] <= 1
    if wine.code == "found":
        assert wine.suggested == wine.candidate
    else:
        assert wine.suggested is None
    if wine.candidate is None:
        assert wine.candidate_errors == () and wine.verdict == "kept"
    else:
        assert len(wine.candidate_errors) == 1
        assert wine.ratio == pytest.approx(wine.candidate_mean / wine.default_mean) \
            if wine.default_mean > 0 else True
        no_worse = wine.candidate_mean <= wine.default_mean  # one seed: no spread
        assert wine.candidate_no_worse == no_worse
        expected = ("no worse" if no_worse else "WORSE") if wine.suggested is not None \
            else ("kept" if no_worse else "kept, held back worse")
        assert wine.verdict == expected
    assert result.worse == (("wine",) if wine.verdict == "WORSE" else ())
    assert lines == [lr_suggestion.row_line(wine)] and lines[0].split()[0] == "wine"
    assert set(result.to_dict()) >= {"figures", "seeds", "epochs", "worse"}


def test_the_verdict_allows_the_spread_over_seeds():
    f = lr_suggestion.Figures("t", "mlp", "accuracy", "found", 0.01, 0.01,
                              (0.10, 0.12, 0.14), (0.13, 0.15, 0.17), 1.0)
    spread = statistics.stdev([0.10, 0.12, 0.14])
    assert f.candidate_mean == pytest.approx(0.12 + 0.03)
    # 0.15 > 0.12 + 0.02: worse than the default by more than the spread.
    assert spread == pytest.approx(0.02) and f.verdict == "WORSE"
    close = lr_suggestion.Figures("t", "mlp", "accuracy", "found", 0.01, 0.01,
                                  (0.10, 0.12, 0.14), (0.11, 0.13, 0.15), 1.0)
    assert close.verdict == "no worse"
    held = lr_suggestion.Figures("t", "mlp", "accuracy", "keep_default", None, 0.01,
                                 (0.10, 0.12, 0.14), (0.13, 0.15, 0.17), 1.0)
    assert held.verdict == "kept, held back worse"
