"""After the final test: the spread of every metric over the seeds, and the comparisons of
the chosen model with the other finalists (test, p-value, corrected p-value and the
sentence; the sentences again in bold below the table, each with the test used and why it
fits the pair, which is also the test cell's tooltip).

Both boxes show ``project.final_test`` as the engine stored it; nothing is computed here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from engine.final import describe_reason, describe_test, fmt_p
from engine.words import dash, fmt_error, fmt_value, is_number, metric_label
from engine.words import role_words
from engine.core import text
from engine.project.parts import FinalTestRecord
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.result_table import ResultTable, vault_marked


class SeedSpreadBox(QGroupBox):
    """Mean ± standard deviation of each test metric over the K seeds."""

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("final_stats.seeds_title"), parent)
        self.setObjectName("seedsBox")
        layout = QVBoxLayout(self)
        self.intro = note("", "seedsIntro")
        layout.addWidget(self.intro)
        self.table = ResultTable("seedsTable")
        layout.addWidget(self.table)

    def show_final(self, final: FinalTestRecord | None) -> None:
        seeds = final.seeds if final is not None else None
        self.setVisible(seeds is not None)
        if seeds is None:
            return
        k = int(seeds.k or 1)
        if k < 2:
            # text keys: gui.final_stats.seeds_one, gui.final_stats.seeds_retrained
            key = "final_stats.seeds_retrained" if final.retrained else "final_stats.seeds_one"
            self.intro.setText(gui_text(key, label=final.label))
            self.table.hide()
            return
        listed = ", ".join(str(s) for s in seeds.seeds)
        self.intro.setText(gui_text("final_stats.seeds_intro", k=k, seeds=listed))
        goal_metric = final.metric
        names = sorted(seeds.mean, key=lambda n: n != goal_metric)
        rows = []
        for name in names:
            mean = seeds.mean.get(name)
            std = seeds.std.get(name)
            values = seeds.values.get(name) or ()
            spread = f"{fmt_value(mean)} ± {fmt_value(std)}" if is_number(std) else dash()
            rows.append([metric_label(name), spread, ", ".join(fmt_value(v) for v in values)])
        self.table.show()
        self.table.fill([gui_text("final.col_metric"), gui_text("final_stats.col_mean_std"),
                         gui_text("final_stats.col_per_seed")], rows, numeric={1},
                        bold_rows=[0] if names and names[0] == goal_metric else [])


class ComparisonsBox(QGroupBox):
    """The paired tests of the chosen model against each other finalist."""

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("final_stats.comparisons_title"), parent)
        self.setObjectName("comparisonsBox")
        layout = QVBoxLayout(self)
        self.intro = note("", "comparisonsIntro")
        layout.addWidget(self.intro)
        self.finalists = ResultTable("testedFinalistsTable")
        layout.addWidget(self.finalists)
        self.table = ResultTable("comparisonsTable")
        layout.addWidget(self.table)
        self.sentences = QLabel()
        self.sentences.setObjectName("comparisonSentences")
        self.sentences.setWordWrap(True)
        layout.addWidget(self.sentences)

    def show_final(self, final: FinalTestRecord | None,
                   late_runs: frozenset[str] = frozenset()) -> None:
        """Show the comparisons of ``final``; runs in ``late_runs`` (made after the test
        set was seen) are marked."""
        finalists = final.finalists if final is not None else ()
        self.setVisible(bool(finalists))
        if not finalists:
            return
        metric = final.metric
        # text keys: gui.final_stats.role_{baseline,chosen,ensemble}
        self.finalists.fill(
            [gui_text("final_stats.col_finalist"), gui_text("final_stats.col_role"),
             gui_text("final_stats.col_dev_error"), gui_text("final_stats.col_test_error"),
             gui_text("final_stats.col_seeds")],
            [[vault_marked(f.label, f.run in late_runs), role_words(f.role),
              fmt_error(f.dev_error, metric),
              fmt_error(f.test_error, metric), str(f.seeds)]
             for f in finalists], numeric={2, 3, 4}, wrap={0: 360})
        rows = final.comparisons
        tested = sum(1 for r in rows if is_number(r.p_value))
        # text keys: final_stats.correction_{holm,bonferroni}
        correction = text(f"final_stats.correction_{final.correction}")
        self.intro.setText(gui_text("final_stats.comparisons_intro", correction=correction,
                                    n=tested) if rows else
                           gui_text("final_stats.no_comparisons"))
        self.table.setVisible(bool(rows))
        self.sentences.setVisible(bool(rows))
        if not rows:
            return
        # text keys: final_stats.test_{mcnemar,permutation}, final_stats.test_seeds_ttest
        self.table.fill([gui_text("final_stats.col_finalist"), gui_text("final_stats.col_test"),
                         gui_text("final_stats.col_p"), gui_text("final_stats.col_p_corrected"),
                         gui_text("final_stats.col_verdict")],
                        [[r.label, describe_test(r.test), _p(r.p_value),
                          _p(r.p_corrected), r.sentence] for r in rows],
                        numeric={2, 3}, wrap={0: 180, 1: 150, 4: 340},
                        tips={(i, 1): why for i, r in enumerate(rows)
                              if (why := describe_reason(r.test, r.reason))})
        self.sentences.setText("".join(_sentence_html(r) for r in rows))


def _p(value) -> str:
    return fmt_p(value).removeprefix("p ").removeprefix("= ") if is_number(value) else dash()


def _sentence_html(row) -> str:
    """The sentence in bold, then the test used and why it fits (when it was stored)."""
    why = describe_reason(row.test, row.reason)
    used = ""
    if why:
        used = "<br>" + _html(gui_text("final_stats.test_why", test=describe_test(row.test),
                                       why=why))
    return f"<p><b>{_html(row.sentence)}</b>{used}</p>"


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
