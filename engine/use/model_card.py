"""The model card: what a model is for, what it was made and tested on, how well it did
and where it is weak, in plain words for whoever uses it after the project.

``model_card`` gathers it from a project (its chosen run, or another run) in eight
sections: intended use (from the goal), the data, the splits and the vault record, the
metrics (the final test's with their intervals when it scored this model, else the dev
rows'), the limits the goal set and whether they are met, the known weaknesses (the
diagnosis and the error analysis), the threshold and calibration the model answers by,
and the environment (versions, device). Every export holds it as ``model_card.md``
(``card_markdown``); the PDF report prints it as a page (``engine.report.pdf.model_card``).

Use:
    card = model_card(project)
    print(card_markdown(card))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from engine.core.texts import text
from engine.goal.constraints import Constraint, check_all
from engine.project.parts.goal import Goal
from engine.project.project import Project, find_run
from engine.use.versions import versions
from engine.use.export_formats import format_name
from engine.words.formatting import (fmt_confidence, fmt_count, fmt_time, fmt_value,
                                     metric_label, split_name, task_words, verdict_words)

CARD_FILE = "model_card.md"
SHOWN_METRICS = 6  # metrics on the card, the optimizing one first
SECTIONS = ("use", "data", "splits", "metrics", "limits", "weaknesses", "decision",
            "environment")
"""The card's sections, in order; ``model_card.title_<name>`` is each one's title."""


@dataclass(frozen=True)
class ModelCard:
    """The card of run ``run`` (its plain name ``label``): each section a title and lines."""

    project: str
    run: str
    label: str
    sections: tuple[tuple[str, str, tuple[str, ...]], ...]
    """(name, title, lines) in ``SECTIONS`` order."""

    def section(self, name: str) -> tuple[str, ...]:
        return next(lines for key, _title, lines in self.sections if key == name)


def model_card(project: Project, run_id: str | None = None,
               manifest: dict[str, Any] | None = None) -> ModelCard:
    """The card of ``project``'s chosen run (or ``run_id``); an export's ``manifest``
    adds what the export knows (its abstain threshold, versions, formats checked)."""
    goal = project.goal or Goal()
    run_id = run_id or project.chosen_run
    run = find_run(project, run_id)
    manifest = manifest or {}
    parts = {"use": _use(project, goal, run), "data": _data(project, goal),
             "splits": _splits(project), "metrics": _metrics(project, goal, run),
             "limits": _limits(project, goal, run), "weaknesses": _weaknesses(project, run),
             "decision": _decision(project, goal, run, manifest),
             "environment": _environment(run, manifest)}
    return ModelCard(project.name, run.id if run else "", run.label if run else "",
                     tuple((n, text(f"model_card.title_{n}"), tuple(parts[n]))
                           for n in SECTIONS))


def card_markdown(card: ModelCard) -> str:
    """The card as Markdown (plain text that reads well unrendered)."""
    out = [f"# {text('model_card.heading', label=card.label or '-', project=card.project)}",
           ""]
    for _name, title, lines in card.sections:
        out += [f"## {title}", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(out)


def _use(project: Project, goal: Goal, run) -> list[str]:
    if not goal.task:
        return [text("model_card.no_goal")]
    lines = [text("model_card.use_predicts", target=goal.target or "-",
                  task=task_words(goal.task), kind=goal.data_kind)]
    if goal.labels:
        lines.append(text("model_card.use_labels",
                          labels=", ".join(map(str, goal.labels[:20]))))
    lines.append(text("model_card.use_metric", metric=metric_label(goal.metric)))
    if goal.target_error is not None:
        lines.append(text("model_card.use_target", error=fmt_value(goal.target_error)))
    if run is not None:
        lines.append(text("model_card.use_model", label=run.label, run=run.id,
                          model=run.model))
    lines.append(text("model_card.use_scope"))
    return lines


def _data(project: Project, goal: Goal) -> list[str]:
    if not project.sources:
        return [text("model_card.no_data")]
    lines = [text("model_card.data_source", role=s.role, path=s.path, rows=fmt_count(s.rows),
                  sha=(s.sha256 or "-")[:12]) for s in project.sources]
    inputs = goal.inputs or {}
    if inputs:
        lines.append(text("model_card.data_inputs", n=len(inputs)))
    return lines


def _splits(project: Project) -> list[str]:
    split = project.split
    if split is None or not split.sizes:
        return [text("model_card.no_split")]
    sizes = ", ".join(f"{split_name(k)} {fmt_count(v)}" for k, v in split.sizes.items())
    lines = [text("model_card.split_sizes", sizes=sizes, seed=split.seed,
                  how=text("model_card.stratified" if split.stratified
                           else "model_card.not_stratified"))]
    vault = project.vault
    if vault.is_open:
        lines.append(text("model_card.vault_opened", time=fmt_time(vault.opened_at),
                          uses=vault.uses))
        late = sum(1 for r in project.runs if r.after_vault)
        if late:
            lines.append(text("model_card.vault_late", n=late))
    else:
        lines.append(text("model_card.vault_locked"))
    return lines


def _tested(project: Project, run) -> bool:
    """The run's final test counts only once the vault was opened for it (a record in a
    project whose vault is locked is not shown: the report's rule too)."""
    final = project.final_test
    return (run is not None and final is not None and final.run == run.id
            and project.vault_open)


def _metrics(project: Project, goal: Goal, run) -> list[str]:
    if run is None:
        return [text("model_card.no_run")]
    lines = []
    tested = _tested(project, run)
    if tested:
        final = project.final_test
        lines.append(text("model_card.metrics_test", rows=fmt_count(final.rows),
                          confidence=fmt_confidence(final.confidence)))
        names = [goal.metric] + [n for n in final.metrics if n != goal.metric]
        for name in [n for n in names if n in final.metrics][:SHOWN_METRICS]:
            entry = final.metrics[name]
            if entry.value is None:
                continue
            if _finite(entry.low) and _finite(entry.high):
                lines.append(text("model_card.metric_interval", metric=metric_label(name),
                                  value=fmt_value(entry.value), low=fmt_value(entry.low),
                                  high=fmt_value(entry.high)))
            else:
                lines.append(text("model_card.metric_value", metric=metric_label(name),
                                  value=fmt_value(entry.value)))
        if final.retrained:
            lines.append(final.retrained)
    else:
        lines.append(text("model_card.metrics_dev_only"))
    dev = run.metrics.get("dev") or {}
    # Once tested, the dev rows' result of the optimizing metric only (the card fits a page).
    names = [goal.metric] + [n for n in dev if n != goal.metric]
    for name in [n for n in names if n in dev][:1 if tested else SHOWN_METRICS]:
        lines.append(text("model_card.metric_dev", metric=metric_label(name),
                          value=fmt_value(dev[name])))
    return lines


def _limits(project: Project, goal: Goal, run) -> list[str]:
    if not goal.constraints:
        return [text("model_card.no_limits")]
    if run is None:
        return [text("model_card.no_run")]
    tested = _tested(project, run)
    measured = dict(run.metrics.get("dev") or {})
    if tested:
        measured.update({n: e.value for n, e in project.final_test.metrics.items()
                         if e.value is not None})
    measured.update(run.measured)
    try:
        checks = check_all([Constraint.from_dict(c.to_dict()) for c in goal.constraints],
                           measured)
    except Exception:  # noqa: BLE001 - a limit this Practica no longer knows
        return [c.text or f"{c.quantity} {c.op} {c.bound:g}" for c in goal.constraints]
    where = text("model_card.limits_on_test" if tested else "model_card.limits_on_dev")
    return [where] + [c.describe() for c in checks]


def _weaknesses(project: Project, run) -> list[str]:
    lines = []
    diagnosis = project.diagnosis
    if diagnosis is not None and diagnosis.verdict:
        lines.append(text("model_card.diagnosis", verdict=verdict_words(diagnosis.verdict)))
        lines += list(diagnosis.advice[:1])
    else:
        lines.append(text("model_card.no_diagnosis"))
    analysis = project.error_analysis
    if analysis is not None and analysis.rows:
        lines.append(text("model_card.mistakes", mistakes=fmt_count(analysis.mistakes),
                          rows=fmt_count(analysis.rows)))
        cells = _worst_confusions(analysis.confusion)
        if cells:
            lines.append(text("model_card.confusions", cells=cells))
        if analysis.suspect_check.flagged_total:
            lines.append(text("model_card.suspects",
                              n=fmt_count(analysis.suspect_check.flagged_total)))
    else:
        lines.append(text("model_card.no_error_analysis"))
    late = [r for r in project.runs if r.after_vault and run is not None and r.id == run.id]
    if late:
        lines.append(text("model_card.after_vault"))
    return lines


def _worst_confusions(confusion) -> str:
    """The two most frequent mistakes, as 'true → predicted (n)'."""
    if confusion is None or not confusion.matrix:
        return ""
    cells = [(count, confusion.labels[i], confusion.labels[j])
             for i, row in enumerate(confusion.matrix) for j, count in enumerate(row)
             if i != j and count]
    cells.sort(key=lambda c: -c[0])
    return "; ".join(f"{a} → {b} ({n})" for n, a, b in cells[:2])


def _decision(project: Project, goal: Goal, run, manifest: dict[str, Any]) -> list[str]:
    lines = []
    rule = project.decision_rule
    if rule is not None and run is not None and rule.applies_to(run.id):
        if rule.calibration is not None:
            lines.append(text("model_card.calibration", method=rule.calibration.method,
                              before=fmt_value(rule.calibration.ece_before),
                              after=fmt_value(rule.calibration.ece_after)))
        if rule.threshold is not None:
            lines.append(text("model_card.threshold", value=fmt_value(rule.threshold.value),
                              rule=rule.threshold.rule))
        if rule.cost_answers is not None:
            lines.append(text("model_card.cost_answers"))
    if not lines:
        lines.append(text("model_card.no_rule"))
    reject = manifest.get("reject_option") or {}
    asked = reject.get("target_accuracy", goal.abstain_accuracy)
    if asked is not None and goal.task != "regression":
        threshold = reject.get("threshold")
        lines.append(text("model_card.abstain", target=fmt_value(asked),
                          threshold="-" if threshold is None else fmt_value(threshold)))
    return lines


def _environment(run, manifest: dict[str, Any]) -> list[str]:
    found = manifest.get("versions") or versions()
    lines = [text("model_card.versions",
                  versions=", ".join(f"{k} {v}" for k, v in found.items() if v))]
    if run is not None and run.device:
        lines.append(text("model_card.device_mixed" if run.mixed_precision
                          else "model_card.device", device=run.device))
    for fmt, check in (manifest.get("formats") or {}).items():
        lines.append(text("model_card.format_check", format=format_name(fmt),
                          runtime=check["runtime"], diff=f"{check['max_difference']:.2g}",
                          rows=check["rows"], ms=f"{check['ms_per_example']:.3g}",
                          keras=f"{check['keras_ms_per_example']:.3g}"))
    return lines


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(float(value))
