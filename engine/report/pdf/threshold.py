"""The "How the model decides" section: the decision rule the chosen model answers by (its
decision threshold for a yes/no task, with the rule that chose it and its calibration),
what it gives on the dev rows and, once the vault is open, on the test rows (with the
intervals of the final test, which answered by the same rule), and the dev curve."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.decision.cost_answers import describe_cost_answers
from engine.decision.threshold import describe_choice, load_curve
from engine.goal.decision import rule_for
from engine.goal.metrics import METRICS
from engine.project.parts.goal import Goal
from engine.project.project import Project, chosen_run
from engine.report.figure_threshold import threshold_chart
from engine.report.pdf.style import figure, heading, lead, plain, table
from engine.core.texts import text
from engine.words.formatting import fmt_value, is_number, t


def threshold_section(project: Project) -> list[Flowable]:
    """The decision rule, its dev and test figures and the dev curve; ``[]`` for a number
    to predict."""
    goal = project.goal or Goal()
    if goal.task not in ("binary", "multiclass"):
        return []
    out: list[Flowable] = [heading(t("threshold.title"), 2)]
    run = chosen_run(project)
    final = project.final_test
    tested = final is not None and run is not None and final.run == run.id
    rule = final.decision if tested else rule_for(project.decision_rule,
                                                  run.id if run else None)
    if rule is not None and rule.calibration is not None:
        # text keys: calibration.method_temperature, calibration.method_platt,
        # calibration.method_isotonic
        method = text(f"calibration.method_{rule.calibration.method}")
        out.append(plain(t("threshold.calibrated", method=method)))
    choice = rule.threshold if rule is not None else None
    if choice is None and rule is not None and rule.cost_answers is not None:
        return out + _cost_answers(project, rule, final if tested else None,
                                   run.label if run is not None else rule.run)
    if choice is None:
        key = "threshold.none_binary" if goal.task == "binary" else "threshold.none_multi"
        return out + [plain(t(key))]
    label = run.label if run is not None else rule.run
    out.append(lead(describe_choice(choice, label)))
    if rule.after_test_seen:
        out.append(plain(t("threshold.late"), "note"))
    current = rule_for(project.decision_rule, run.id if run else None)
    if tested and current is not None and current.threshold != choice:
        out.append(plain(t("threshold.changed_since"), "note"))
    out.append(_figures_table(choice.dev, final.metrics if tested else {}, final))
    png = threshold_chart(load_curve(project, rule.run), choice.value)
    if png is not None:
        out.extend(figure(png, t("threshold.caption", rows=load_curve(project, rule.run).rows),
                          width_share=0.85))
    return out


def _cost_answers(project: Project, rule, final, label: str) -> list[Flowable]:
    """Several classes answered by the lowest expected cost: the sentence, and the dev
    figures both ways beside the test figures of the final test."""
    goal = project.goal
    answers = rule.cost_answers
    out: list[Flowable] = [lead(describe_cost_answers(answers, label, goal.costs.unit))]
    if rule.after_test_seen:
        out.append(plain(t("threshold.late"), "note"))
    rows = []
    for name in answers.after:
        entry = final.metrics.get(name) if final is not None else None
        shown = (t("threshold.with_interval", value=fmt_value(entry.value),
                   low=fmt_value(entry.low), high=fmt_value(entry.high))
                 if entry is not None and is_number(entry.low) and is_number(entry.high)
                 else fmt_value(entry.value) if entry is not None else t("threshold.not_tested"))
        label_of = METRICS[name].label if name in METRICS else t("threshold.expected_cost")
        rows.append([label_of, fmt_value(answers.before.get(name)),
                     fmt_value(answers.after.get(name)), shown])
    confidence = f"{final.confidence:.0%}" if final is not None else "95%"
    out.append(table([t("threshold.col_figure"), t("threshold.col_likely"),
                      t("threshold.col_cheapest"),
                      t("threshold.col_test_cost", confidence=confidence)],
                     rows, widths=[2.6, 1.6, 1.4, 3.0], right=(1, 2, 3)))
    return out


def _figures_table(dev: dict, test: dict, final) -> Flowable:
    rows = []
    for name, value in dev.items():
        if name == "yes_share":
            continue
        entry = test.get(name)
        if entry is None:
            shown = t("threshold.not_tested")
        elif is_number(entry.low) and is_number(entry.high):
            shown = t("threshold.with_interval", value=fmt_value(entry.value),
                      low=fmt_value(entry.low), high=fmt_value(entry.high))
        else:
            shown = fmt_value(entry.value)
        label = METRICS[name].label if name in METRICS else t("threshold.expected_cost")
        rows.append([label, fmt_value(value), shown])
    confidence = f"{final.confidence:.0%}" if final is not None else "95%"
    return table([t("threshold.col_figure"), t("threshold.col_dev"),
                  t("threshold.col_test", confidence=confidence)], rows,
                 widths=[3.0, 1.6, 3.4], right=(1, 2))
