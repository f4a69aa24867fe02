"""A trained model ready to score new data: from a project (its chosen run by default) or
from a folder written by ``engine.use.model_export``.

When the final test scored the chosen settings trained again on the training and dev rows
(``engine.final.retrain``), the project's model is that retrained copy, the model the vault
scored, and a note says so; asking for the run by its id gives the dev run's own model,
with a note that it is not the tested one.

Both give the same ``UsableModel``: the model, the very input coding it was trained with,
what it predicts (task, target, labels) and, when the goal turns the reject option on
(``abstain_accuracy``), the confidence threshold chosen on the dev rows, and the decision
rule it answers by (calibration, decision threshold). Models load with
Keras' safe mode on, after ``engine.models.safe_model_check`` passed the file (an exported model
comes from outside the project: it is checked in a throw-away process first); baselines
are rebuilt from their JSON numbers. Nothing is pickled.

Use:
    usable = load_usable("~/Practica/customers")          # the chosen model
    usable.required_columns()
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.final.retrain import tested_retrained, tested_retrained_predictor
from engine.project.parts.final_test import RetrainedModel
from engine.training.batch_scoring import score_in_batches
from engine.core.errors import MALFORMED, ProjectError
from engine.kinds.input_coding import coding_from_dict, data_kind
from engine.kinds.registry import data_kind as kind_named
from engine.training.predictor import Predictor, load_predictor
from engine.project.parts.goal import Goal
from engine.project.project import PROJECT_FILE, Project, open_project
from engine.core.texts import text
from engine.goal.decision import decided, rule_for
from engine.project.parts import decision_rule
from engine.project.parts.decision_rule import DecisionRule
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.fingerprints import split_key
from engine.project.malformed import problem
from engine.project.run_record import RunRecord
from engine.split.datasets import split_frame, target_values
from engine.split.vault_guard import VaultGuard, project_guard
from engine.use.export_guard import export_guard

MANIFEST_FILE = "manifest.json"
MANIFEST_SCHEMA = 1  # the manifest version this Practica writes and reads
CODING_FILE = "preprocess.json"


@dataclass(frozen=True, eq=False)
class UsableModel:
    """A model and everything needed to apply it to new rows.

    Args:
        predictor: the loaded model with its input coding (``predictor.preprocessor``).
        goal: ``task``, ``target``, ``labels``, ``positive_label`` and ``metric``.
        data_kind: ``table``, ``images``, ``text`` or ``sequence``.
        source: how the training data was read: ``{"kind", "options"}`` (a long sequence
            table names its id, time and value columns there).
        run: the run id; ``label``: its plain name.
        threshold: the abstain threshold (None: the model answers every row).
        abstain_accuracy: the accuracy the answered rows must reach (None: reject option off).
        notes: plain remarks to show with the predictions.
        decision: the decision rule the model answers by (its calibration and, for a yes/no
            task, its decision threshold; ``engine.goal.decision``); None: raw scores, the
            most likely class.
        info: facts about where the model comes from (project, run, vault).
        guard: see the attribute.
        retrained: the copy of the run trained again on the training and dev rows that the
            final test scored, when that is the model (None: the run's own model).
    """

    predictor: Predictor
    goal: Goal
    data_kind: str
    source: dict[str, Any]
    run: str
    label: str
    threshold: float | None = None
    abstain_accuracy: float | None = None
    notes: tuple[str, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)
    guard: VaultGuard | None = None
    """The fingerprints of the project's test rows while its vault is closed
    (``engine.split.vault_guard``): predictions leave those rows out."""
    decision: DecisionRule | None = None
    retrained: RetrainedModel | None = None

    @property
    def coding(self):
        """The fitted input coding (see ``engine.kinds.input_coding``)."""
        return self.predictor.preprocessor

    @property
    def task(self) -> str:
        return str(self.goal.task)

    @property
    def reject_on(self) -> bool:
        """Whether the goal lets the model refuse to answer."""
        return self.abstain_accuracy is not None and self.task != "regression"

    def required_columns(self) -> list[str]:
        """The columns a new file must have (for images: none, it is a folder)."""
        return [c["name"] for c in input_columns(self.coding) if c["kind"] != "image"]


def input_columns(coding) -> list[dict[str, Any]]:
    """The inputs the coding reads, each ``{"name", "kind", ...}``: ``number`` (with the
    value a missing one becomes), ``category`` (with the known categories), ``text``,
    ``series`` (one step of a channel) or ``image``."""
    return kind_named(getattr(coding, "kind", "table")).input_columns(coding)


def load_usable(where: Project | str | Path, run_id: str | None = None) -> UsableModel:
    """The model of a project (its chosen run, or ``run_id``) or of an export folder.

    Raises:
        ProjectError: ``where`` is neither a project nor an exported model, the project has
            no chosen model, or the run cannot be used (see ``from_project``).
    """
    if isinstance(where, Project):
        return from_project(where, run_id)
    folder = Path(where).expanduser()
    if (folder / PROJECT_FILE).is_file():
        return from_project(open_project(folder), run_id)
    if (folder / MANIFEST_FILE).is_file():
        try:
            return from_export(folder)
        except MALFORMED as exc:  # a hand-edited manifest or coding: one plain line
            raise ProjectError(text("use.damaged_export", path=folder,
                                    problem=problem(exc))) from None
    raise ProjectError(text("use.not_a_model", path=folder))


def from_project(project: Project, run_id: str | None = None) -> UsableModel:
    """The chosen model of ``project`` (or run ``run_id``), with the project's coding.

    The chosen model is the one the final test scored: when that was the chosen settings
    trained again on the training and dev rows, the retrained copy. ``run_id`` names a run
    and gives that run's own model (a note says when the final test scored a retrained copy
    of it instead).

    Raises:
        ProjectError: no chosen model; the run has no model file or an older split; the
            retrained model the final test scored is missing or was replaced.
    """
    asked_for = run_id
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ProjectError(text("use.no_chosen_model"))
    run = project.run(run_id)
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ProjectError(text("use.no_model_file", run=run.id))
    if run.split_key != split_key(project):
        raise ProjectError(text("use.old_split", run=run.id))
    goal = project.goal or Goal()
    prep = load_preprocessor(project)
    retrained = tested_retrained(project, run.id)
    notes: tuple[str, ...] = ()
    if retrained is not None and not asked_for:  # the model the vault scored
        predictor = tested_retrained_predictor(project, run, retrained, prep)
        notes = (retrained_words(run.label, retrained),)
    else:
        if retrained is not None:  # the user named the dev run: not the tested model
            notes = (text("use.dev_run_not_tested", label=run.label, run=run.id),)
            retrained = None
        predictor = load_predictor(project.run_dir(run.id), run, prep)
    asked = goal.abstain_accuracy if goal.task != "regression" else None
    rule = rule_for(project.decision_rule, run.id)
    threshold = None
    if asked is not None:
        threshold = project_threshold(project, run.id, predictor,
                                      retrained=retrained is not None)
        if threshold is None:
            notes += (text("use.abstain_unreachable", target=f"{float(asked):.1%}"),)
    source = project.source("main")
    return UsableModel(
        predictor=predictor, goal=_goal_view(goal), data_kind=data_kind(project),
        source={"kind": source.kind if source else "csv",
                "options": dict(source.options) if source else {}},
        run=run.id, label=run.label, threshold=threshold,
        abstain_accuracy=None if asked is None else float(asked), notes=notes,
        info={"project": project.name, "after_vault": bool(run.after_vault),
              "vault_opened_at": project.vault.opened_at, "model": run.model,
              "sources": [s.sha256 for s in project.sources],
              "vault_open": project.vault_open},
        guard=project_guard(project, predictor.preprocessor), decision=rule,
        retrained=retrained)


def retrained_words(label: str, retrained: RetrainedModel) -> str:
    """The plain sentence that the model used is the retrained copy the final test scored."""
    if retrained.rows and retrained.epochs:
        return text("use.retrained_model", label=label, rows=f"{retrained.rows:,}",
                    epochs=retrained.epochs)
    return text("use.retrained_model_short", label=label)


def project_threshold(project: Project, run_id: str, predictor: Predictor,
                      retrained: bool = False) -> float | None:
    """The abstain threshold of ``run_id``: the one the final test chose on the dev rows
    when it tested this very model (``retrained``: the run's copy trained again on the
    training and dev rows) for the same target accuracy, else chosen on the dev rows now
    (the same rule); None when no threshold reaches the target accuracy."""
    # Imported here to keep SciPy out of start-up.
    from engine.final.test_curves import reject_threshold

    goal = project.goal or Goal()
    asked = goal.abstain_accuracy
    final = project.final_test
    coverage = final.curves.coverage if final is not None and final.curves is not None else None
    chosen = coverage.chosen if coverage is not None else None
    if (chosen is not None and final.run == run_id and bool(final.retrained) == retrained
            and coverage.target_source == "abstain_accuracy"
            and coverage.target_accuracy == asked and not coverage.chosen_here
            and chosen.threshold is not None):
        return float(chosen.threshold)
    dev = split_frame(project, "dev")
    scores = score_in_batches(predictor, predictor.preprocessor, dev)
    rule = rule_for(project.decision_rule, run_id)
    return reject_threshold(goal, decided(goal, rule, target_values(project, dev), scores))


def from_export(folder: str | Path) -> UsableModel:
    """The model saved in an export folder (see ``engine.use.model_export``)."""

    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        coding = coding_from_dict(json.loads((folder / CODING_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ProjectError(text("use.damaged_export", path=folder, problem=problem(exc))) from exc
    if manifest.get("app") != "practica":
        raise ProjectError(text("use.not_a_model", path=folder))
    if int(manifest.get("schema", 1)) > MANIFEST_SCHEMA:
        raise ProjectError(text("use.newer_export", path=folder))
    model_file = str(manifest.get("model_file") or "")
    if not (folder / model_file).is_file():
        raise ProjectError(text("use.damaged_export", path=folder,
                                problem=f"{model_file or 'the model file'} is missing"))
    kind = str(manifest["model"])
    record = RunRecord(id=str(manifest.get("run", "")), model=kind, label="", status="",
                       created="", model_file=model_file)
    predictor = load_predictor(folder, record, coding, outside=True)
    reject = manifest.get("reject_option") or {}
    asked = reject.get("target_accuracy")
    threshold = reject.get("threshold")
    notes: tuple[str, ...] = ()
    retrained = RetrainedModel.from_dict(manifest.get("retrained"))
    if retrained is not None:  # the export is the copy trained again on train + dev rows
        notes = (retrained_words(str(manifest.get("label", "")), retrained),)
    if asked is not None and threshold is None:
        notes += (text("use.abstain_unreachable", target=f"{float(asked):.1%}"),)
    return UsableModel(
        predictor=predictor, goal=_goal_view(Goal.from_dict(
            {k: manifest.get(k) for k in ("task", "target", "labels", "positive_label", "metric",
                                          "costs")})),
        data_kind=str(manifest["data_kind"]),
        source=dict(manifest.get("source") or {"kind": "csv", "options": {}}),
        run=str(manifest.get("run", "")), label=str(manifest.get("label", "")),
        threshold=None if threshold is None else float(threshold),
        abstain_accuracy=None if asked is None else float(asked), notes=notes,
        info={"project": manifest.get("project"), "exported_at": manifest.get("exported_at"),
              "model": kind},
        guard=export_guard(folder, manifest),
        decision=decision_rule.load(manifest.get("decision_rule")), retrained=retrained)


def _goal_view(goal: Goal) -> Goal:
    """What a model keeps of its goal (an export's manifest holds the same)."""
    return Goal(target=goal.target, task=goal.task, metric=goal.metric, labels=goal.labels,
                positive_label=goal.positive_label, costs=goal.costs)
