"""The checks before the vault opens, shared by every path that opens it: the app's final
page, ``practica run --until final`` and ``run_final_test`` itself.

``vault_gate(project)`` says, in plain sentences, what stands between the chosen model and
the test set:

* ``missing``: there is nothing to test (no model chosen, its run is gone or unfinished);
  the user must choose a model;
* ``stale``: the diagnosis was made for another model, another way of judging models (the
  metric, the target error or the limits) or another split; it must be redone
  (``redo_diagnosis``; the app offers it, ``run --until final`` does it);
* ``reasons``: the chosen model is not current (trained on an earlier split or on data
  that changed since, or the project's record was altered outside Practica) or breaks a
  limit of the current goal; the user chooses again or
  overrides, and the override is recorded;
* ``seen``: the test set was already used for a final test (or the model was trained after
  it was seen); only a new experiment, asked for on purpose and marked in the report, looks
  again;
* ``notes``: advice that does not keep the vault closed: a decision rule (threshold,
  calibration) set for another model does not apply to the chosen one, which then answers
  with its most likely class.

Nothing here reads a data row.

Use:
    vault_gate(project).refusal(override="", new_experiment="")
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.goal.run_choice import best_run, why_not_offered
from engine.project.fingerprints import goal_key, judging_key, split_key
from engine.project.project import Project, find_run
from engine.words.formatting import fmt_time


class VaultGateError(ProjectError):
    """The checks before the vault refused to open it; the message says why and what to do."""


@dataclass(frozen=True)
class GateVerdict:
    """What stands between the chosen model (``run``, ``label``) and the test set.

    ``redo_run`` is the model a redone diagnosis reads: the chosen one while it is current
    and meets every limit, otherwise the best current one that does (``""``: none does).
    ``old_split``: the chosen model was trained on an earlier split (``run --until final``
    then chooses again, as for a stale diagnosis).
    """

    run: str = ""
    label: str = ""
    missing: str = ""
    stale: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    redo_run: str = ""
    old_split: bool = False
    notes: tuple[str, ...] = ()

    @property
    def clear(self) -> bool:
        """Whether the vault may open without a new diagnosis, an override or a new
        experiment."""
        return not (self.missing or self.stale or self.reasons or self.seen)

    def refusal(self, override: str = "", new_experiment: str = "") -> str:
        """The one line that keeps the vault closed, or ``""`` when it may open (an override
        covers ``reasons``, a new experiment covers ``seen``; both need a reason)."""
        if self.missing:
            return text("gate.refused", reasons=self.missing, todo=text("gate.todo_choose"))
        if self.stale:
            return text("gate.refused", reasons=" ".join(self.stale),
                        todo=text("gate.todo_redo"))
        if self.seen and not new_experiment.strip():
            return text("gate.refused", reasons=" ".join(self.seen), todo=text("gate.todo_new"))
        if self.reasons and not override.strip():
            return text("gate.refused", reasons=" ".join(self.reasons),
                        todo=text("gate.todo_override"))
        return ""

    def require(self, override: str = "", new_experiment: str = "") -> None:
        """Raise ``VaultGateError`` unless the vault may open."""
        refusal = self.refusal(override, new_experiment)
        if refusal:
            raise VaultGateError(refusal)


def vault_gate(project: Project) -> GateVerdict:
    """The checks before the vault opens, on the project as it is now (see the module)."""
    run = find_run(project, project.chosen_run)
    if run is None:
        missing = (text("gate.run_gone", run=project.chosen_run) if project.chosen_run
                   else text("gate.no_choice"))
        return GateVerdict(run=project.chosen_run or "", missing=missing)
    if run.status != "finished":
        return GateVerdict(run=run.id, label=run.label,
                           missing=text("gate.unfinished", label=run.label, status=run.status))
    reasons = _not_current(project, run)
    broken = why_not_offered(project, run)
    if broken:
        reasons.append(text("gate.breaks", label=run.label, why=" ".join(broken)))
    return GateVerdict(run=run.id, label=run.label, stale=tuple(_stale(project, run)),
                       reasons=tuple(reasons), seen=tuple(_seen(project, run)),
                       redo_run=_best_current(project) if reasons else run.id,
                       old_split=run.split_key != split_key(project),
                       notes=tuple(_rule_notes(project, run)))


def redo_diagnosis(project: Project, keep_choice: bool = False) -> bool:
    """Redo a stale diagnosis (``vault_gate``'s ``stale``), or one of a model trained on an
    earlier split (``old_split``); True when it was redone.

    It reads the chosen model again while that model is current and meets every limit (or
    when ``keep_choice``, as an override asks); otherwise the best model of the current split
    that does is chosen. Saves the project.
    """
    # Imported here to keep pandas, scikit-learn out of start-up (the app asks vault_gate).
    from engine.diagnosis.step import diagnose_project

    verdict = vault_gate(project)
    if not (verdict.stale or verdict.old_split) or verdict.missing:
        return False
    keep = (verdict.run if keep_choice else "") or verdict.redo_run
    if not keep:  # nothing is changed
        best_run(project)  # raises when no model meets every limit
        raise ProjectError(text("gate.none_current"))
    diagnose_project(project, keep)
    return True


def _best_current(project: Project) -> str:
    """The run a new choice takes: the best on dev among the finished runs of the current
    split that meet every limit; ``""`` when there is none."""
    key = split_key(project)
    runs = [r for r in project.runs if r.status == "finished" and r.split_key == key
            and math.isfinite(r.errors.get("dev", math.nan)) and not why_not_offered(project, r)]
    return min(runs, key=lambda r: (r.errors["dev"], r.created)).id if runs else ""


def _rule_notes(project: Project, run) -> list[str]:
    """A decision rule belongs to one model: say so when it was set for another."""
    rule = project.decision_rule
    if rule is None or rule.applies_to(run.id):
        return []
    other = find_run(project, rule.run)
    return [text("gate.rule_other_run", label=run.label,
                 other=other.label if other is not None else rule.run)]


def _stale(project: Project, run) -> list[str]:
    diagnosis = project.diagnosis
    if diagnosis is None:
        return [text("gate.no_diagnosis", label=run.label)]
    out = []
    if diagnosis.run != run.id:
        out.append(text("gate.diagnosed_other", label=run.label))
    if diagnosis.judged_by != judging_key(project):
        out.append(text("gate.judging_changed"))
    return out


def _not_current(project: Project, run) -> list[str]:
    out = []
    split = project.split
    if split is None or run.split_key != split_key(project):
        out.append(text("gate.old_split", label=run.label))
    elif split.made_for != goal_key(project):
        out.append(text("gate.data_changed"))
    if project.data_changes:
        out.append(text("gate.files_changed"))
    if project.integrity_problems:
        out.append(text("gate.record_altered"))
    return out


def _seen(project: Project, run) -> list[str]:
    out = []
    final = project.final_test
    if final is not None:
        out.append(text("gate.tested", label=final.label or final.run,
                        time=fmt_time(final.evaluated_at)))
    elif project.vault.uses:
        out.append(text("gate.tested_before"))
    if run.after_vault:
        out.append(text("gate.after_vault", label=run.label))
    return out
