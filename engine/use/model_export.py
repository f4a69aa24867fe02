"""Export a project's model to a folder of its own, to use it outside Practica or later.

The folder holds:

- the model file as trained: ``model.keras`` (a baseline: its numbers as JSON; an ensemble:
  ``ensemble.json`` and its members' model files and run records under ``members/``, each
  Keras member loaded back with the same checks as a single model);
- ``preprocess.json``: the input coding fitted on the training rows (JSON, as in the project);
- ``manifest.json``: what the model predicts (task, target, labels), the input columns and
  their kinds, the optimizing metric with the dev (and test) results, the abstain threshold
  when the reject option is on, the decision rule (``decision_rule``: the calibration and
  the yes/no decision threshold, or for several classes the answer of lowest cost, that the
  model answers by; ``from_export`` applies it), the goal's cost table (``costs``), the
  Practica, Keras and backend versions, and whether the model was made before or after the
  vault was opened;
- ``saved_model/``: a TensorFlow SavedModel with a ``serve`` function, for serving without
  Keras or Practica;
- ``model.onnx`` and ``model.tflite`` (networks only): the network for ONNX Runtime and for
  LiteRT, each run in its own runtime on the dev rows after writing and compared with Keras
  (``engine.use.runtime_exports``; on a backend other than TensorFlow a TensorFlow child
  process writes these three from the ``.keras`` file, ``engine.use.tensorflow_formats``);
  the manifest's ``formats``
  holds the largest difference and the time per example next to Keras', and
  ``formats_skipped`` why a format was not made (``engine.use.export_formats``);
- ``model_card.md``: the model card in plain text (``engine.use.model_card``);
- ``README.txt``: the same in plain words;
- ``vault_guard.json`` (only when exported before the vault was opened): the fingerprints
  of the project's test rows, so that predicting with the export leaves them out until that
  project's vault is open (``engine.use.export_guard``).

ONNX needs ``tf2onnx``, ``onnx`` and ``onnxruntime``; where one is missing the export says
so and writes the rest. The
network's inputs are the coded rows in every format: ``preprocess.json`` is how a program
codes them.

Every file is written atomically; an earlier export's manifest is removed first and the new
one written last, so a folder with a manifest is complete. A folder that holds other files
than an export's is refused.
``engine.use.usable_model.from_export`` (``practica predict FOLDER FILE``) reads it back.

Use:
    result = export_model(project, "~/models/churn")
    sorted(p.name for p in result.files)
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core import atomic
from engine.project.decisions import now_iso
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.models import simple_baselines
from engine.training.ensemble_model import ENSEMBLE, MEMBERS_DIR, MEMBERS_FILE, member_files
from engine.project.project import Project
from engine.core.texts import text
from engine.use.usable_model import (CODING_FILE, MANIFEST_FILE, MANIFEST_SCHEMA, UsableModel,
                                 from_project, input_columns)
from engine.final.retrain import retrained_path
from engine.use.export_guard import GUARD_FILE, project_identity, write_guard
from engine.use.export_formats import (LITERT, ONNX, SAVED_MODEL, chosen_formats,
                                       format_name, unavailable)
from engine.use.tensorflow_formats import write_tensorflow_formats
from engine.use.versions import versions
from engine.use.model_card import CARD_FILE, card_markdown, model_card
from engine.split.datasets import split_frame

SAVED_MODEL_DIR = "saved_model"
README_FILE = "README.txt"
# What an export folder may hold (the model file is model.keras, or model.json for a baseline,
# or ensemble.json with the members' folder for an ensemble).
EXPORT_NAMES = frozenset({MANIFEST_FILE, CODING_FILE, SAVED_MODEL_DIR, README_FILE,
                          GUARD_FILE, "model.keras", "model.json", MEMBERS_FILE, MEMBERS_DIR,
                          "model.onnx", "model.tflite", CARD_FILE})
RUNTIME_FILES = {ONNX: "model.onnx", LITERT: "model.tflite"}
CHECK_ROWS = 512  # dev rows each runtime format is checked on


@dataclass(frozen=True)
class ExportResult:
    """Where the model went: the folder, the files written, and plain remarks."""

    folder: str
    files: tuple[str, ...]
    saved_model: bool
    notes: tuple[str, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    """Each runtime format written, run in its runtime: ``format``, ``file``, ``runtime``,
    ``rows``, ``max_difference``, ``ms_per_example``, ``keras_ms_per_example``."""
    skipped: dict[str, str] | None = None
    """The formats asked for but not made, each with the plain reason (``skipped_lines``
    words them)."""

    def skipped_lines(self) -> list[str]:
        """One plain line per format asked for but not made."""
        return [text("export_formats.skipped", format=format_name(f), reason=why)
                for f, why in (self.skipped or {}).items()]

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "files": list(self.files),
                "saved_model": self.saved_model, "notes": list(self.notes),
                "checks": [dict(c) for c in self.checks], "skipped": dict(self.skipped or {}),
                "skipped_lines": self.skipped_lines()}


def export_model(project: Project, folder: str | Path, run_id: str | None = None,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                 formats: tuple[str, ...] | str | None = None) -> ExportResult:
    """Write the chosen model (or run ``run_id``) of ``project`` to ``folder``.

    Args:
        project: a project with a chosen model.
        folder: the export folder; made when missing; it may hold an earlier export.
        run_id: another run of the project.
        formats: the formats to write (``engine.use.export_formats.FORMATS``, or their
            names joined by commas); None: every format that can be made. The model file
            as trained is always written.
        progress, cancel: stages out; a stop before the manifest is written leaves no
            manifest (the folder is then not a usable export).

    Returns:
        An ``ExportResult``.

    Raises:
        ProjectError: no chosen model, the run cannot be used, or the folder holds other
            files or cannot be written.
    """
    folder = Path(folder).expanduser().resolve()
    wanted = chosen_formats(formats) if not isinstance(formats, tuple) else \
        chosen_formats(",".join(formats))
    _check_folder(folder, project)
    progress(StageStarted("load", text("use.stage_load")))
    usable = from_project(project, run_id)
    run = project.run(usable.run)
    earlier = _forget_earlier_export(folder)
    # The model the final test scored: the retrained copy when it was that one.
    source = (project.run_dir(run.id) / run.model_file if usable.retrained is None
              else retrained_path(project, usable.retrained))
    files = []
    with atomic.atomic_path(folder / run.model_file, suffix=source.suffix) as tmp:
        shutil.copyfile(source, tmp)
    files.append(folder / run.model_file)
    shutil.rmtree(folder / MEMBERS_DIR, ignore_errors=True)  # an earlier export's
    if run.model == ENSEMBLE:
        files.append(_copy_members(project.run_dir(run.id), folder))
    atomic.write_json(folder / CODING_FILE, usable.coding.to_dict())
    files.append(folder / CODING_FILE)
    guarded = write_guard(project, usable.coding, folder)
    if guarded:
        files.append(folder / GUARD_FILE)
    notes = []
    skipped = {f: why for f, why in unavailable(run.model).items() if f in wanted}
    if run.model == ENSEMBLE and SAVED_MODEL in wanted:
        notes.append(text("ensemble_run.saved_model_skipped"))
    runtime = {fmt: folder / name for fmt, name in RUNTIME_FILES.items()
               if fmt in wanted and fmt not in skipped}
    for fmt, name in RUNTIME_FILES.items():
        if fmt not in runtime:
            (folder / name).unlink(missing_ok=True)  # an earlier export's
    wrote = write_tensorflow_formats(
        usable.predictor.model, folder / run.model_file,
        folder / SAVED_MODEL_DIR if SAVED_MODEL in wanted and SAVED_MODEL not in skipped
        else None,
        runtime, lambda: usable.coding.transform(split_frame(project, "dev").head(CHECK_ROWS)),
        progress, cancel)
    saved, checks = wrote.saved, list(wrote.checks)
    notes += wrote.notes
    if saved:
        files.append(folder / SAVED_MODEL_DIR)
    elif (folder / SAVED_MODEL_DIR).is_dir():  # an earlier export's
        shutil.rmtree(folder / SAVED_MODEL_DIR, ignore_errors=True)
    skipped.update(wrote.failed)
    files += [folder / c["file"] for c in checks]
    if run.model in simple_baselines.KINDS or run.model == ENSEMBLE:
        skipped.pop(SAVED_MODEL, None)  # never one (an ensemble's note says why)
    if cancel.is_set():
        raise JobCancelled("export cancelled")
    manifest = build_manifest(project, usable, run.model_file, saved, guarded)
    manifest["formats"] = {c["format"]: {k: v for k, v in c.items() if k != "format"}
                           for c in checks}
    manifest["formats_skipped"] = skipped
    card = model_card(project, usable.run, manifest)
    atomic.write_text(folder / CARD_FILE, card_markdown(card))
    files.append(folder / CARD_FILE)
    atomic.write_text(folder / README_FILE, readme(manifest))
    files.append(folder / README_FILE)
    if earlier and earlier != run.model_file:
        (folder / earlier).unlink(missing_ok=True)
    atomic.write_json(folder / MANIFEST_FILE, manifest)
    files.append(folder / MANIFEST_FILE)
    return ExportResult(str(folder), tuple(str(f) for f in files), saved,
                        (*usable.notes, *notes), tuple(checks), skipped)


def build_manifest(project: Project, usable: UsableModel, model_file: str,
                   saved_model: bool, guarded: bool = False) -> dict[str, Any]:
    """The manifest of an export: plain JSON that says what the model is and needs;
    ``guarded``: the export carries its project's test-row fingerprints."""
    run = project.run(usable.run)
    goal = usable.goal
    final = project.final_test
    # The final test scored this very model: the run's own, or its retrained copy.
    tested = (final is not None and final.run == run.id
              and bool(final.retrained) == (usable.retrained is not None))
    metric = goal.metric
    test = None
    if tested and metric in final.metrics:
        entry = final.metrics[metric]
        test = {"value": entry.value, "low": entry.low, "high": entry.high}
    return {
        "schema": MANIFEST_SCHEMA, "app": "practica", "exported_at": now_iso(),
        "project": project.name, "project_identity": project_identity(project),
        "run": run.id, "label": run.label, "model": run.model,
        "model_file": model_file,
        "model_format": _model_format(run.model),
        "saved_model": SAVED_MODEL_DIR if saved_model else None,
        "data_kind": usable.data_kind, "source": usable.source,
        "task": goal.task, "target": goal.target, "labels": list(goal.labels),
        "positive_label": goal.positive_label, "metric": goal.metric,
        "inputs": input_columns(usable.coding),
        "input_shape": list(usable.coding.input_shape),
        "reject_option": {"on": usable.reject_on, "target_accuracy": usable.abstain_accuracy,
                          "threshold": usable.threshold},
        "decision_rule": None if usable.decision is None else usable.decision.to_dict(),
        "costs": None if goal.costs is None else goal.costs.to_dict(),
        "dev": {"metric": metric, "value": (run.metrics.get("dev") or {}).get(metric),
                "error": run.errors.get("dev"), "applies": usable.retrained is None},
        "test": test,
        "retrained": (None if usable.retrained is None
                      else {**usable.retrained.to_dict(), "sentence": final.retrained}),
        "which_model": _which_model(project, usable, run.label, test),
        "vault": {"opened_at": project.vault.opened_at,
                  "model_made_after_vault_opened": bool(run.after_vault),
                  "model_tested": tested, "test_rows_guarded": bool(guarded)},
        "measured": dict(run.measured),
        "versions": versions(),
    }


def _model_format(model: str) -> str:
    if model == ENSEMBLE:
        return "ensemble"
    return "keras" if model not in simple_baselines.KINDS else "baseline-json"


def _copy_members(run_dir: Path, folder: Path) -> Path:
    """Copy an ensemble's members (each one's model file and run record) into ``folder``."""
    for name in member_files(run_dir / MEMBERS_FILE):
        source = run_dir / name
        for part in (source, source.with_name("run.json")):
            target = folder / part.relative_to(run_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic.atomic_path(target, suffix=part.suffix) as tmp:
                shutil.copyfile(part, tmp)
    return folder / MEMBERS_DIR


def _which_model(project: Project, usable: UsableModel, label: str,
                 test: dict[str, Any] | None) -> str:
    """One plain line: the retrained copy the final test scored, or the dev run's own model
    when the final test scored a retrained copy instead (empty otherwise)."""
    final = project.final_test
    if usable.retrained is not None:
        value = "-" if not test or test.get("value") is None else f"{test['value']:.4g}"
        return text("use.readme_retrained", label=label, rows=f"{usable.retrained.rows:,}",
                    epochs=usable.retrained.epochs, metric=usable.goal.metric, test=value)
    if final is not None and final.run == usable.run and final.retrained:
        return text("use.readme_not_tested_copy", label=label)
    return ""


def readme(manifest: dict[str, Any]) -> str:
    """The export's README: what the files are and how to load them, in plain words."""
    labels = ", ".join(map(str, manifest.get("labels") or [])) or "-"
    inputs = "\n".join(f"- {c['name']} ({c['kind']})" for c in manifest["inputs"][:60])
    if len(manifest["inputs"]) > 60:
        inputs += "\n- " + text("use.readme_more", count=len(manifest["inputs"]) - 60)
    parts = [text("use.readme", label=manifest["label"], project=manifest["project"],
                  task=manifest["task"], target=manifest.get("target") or "-",
                  labels=labels, inputs=inputs, model_file=manifest["model_file"])]
    if manifest.get("model") == ENSEMBLE:
        parts.append(text("ensemble_run.readme"))
    reject = manifest["reject_option"]
    if reject["on"] and reject["threshold"] is not None:
        parts.append(text("use.readme_abstain", threshold=f"{reject['threshold']:.4g}",
                          target=f"{reject['target_accuracy']:.1%}"))
    if manifest.get("which_model"):
        parts.append(manifest["which_model"])
    parts.extend(_rule_lines(manifest.get("decision_rule")))
    if manifest.get("saved_model"):
        parts.append(text("use.readme_saved_model"))
    for fmt, check in (manifest.get("formats") or {}).items():
        # text keys: export_formats.readme_{onnx,litert}
        parts.append(text(f"export_formats.readme_{fmt}", file=check["file"]))
    parts.append(text("export_formats.readme_card"))
    if (manifest.get("vault") or {}).get("test_rows_guarded"):
        parts.append(text("use.readme_guard"))
    parts.append("Made with " + ", ".join(f"{k} {v}" for k, v in manifest["versions"].items()
                                          if v) + ".")
    return "\n\n".join(parts) + "\n"


def _rule_lines(rule: dict[str, Any] | None) -> list[str]:
    """What the README says of the decision rule the export keeps (nothing without one)."""
    if not rule:
        return []
    lines = []
    threshold, calibration = rule.get("threshold"), rule.get("calibration")
    if calibration:
        lines.append(text("use.readme_calibration", method=calibration.get("method", "")))
    if rule.get("cost_answers"):
        lines.append(text("use.readme_cost_answers"))
    if threshold:
        lines.append(text("use.readme_threshold", value=f"{float(threshold['value']):.4g}",
                          rule=threshold.get("rule", "")))
    if rule.get("after_test_seen"):
        lines.append(text("use.readme_rule_late"))
    return lines


def _check_folder(folder: Path, project: Project) -> None:
    """Refuse a file, and a folder that holds other things than an export (finished or
    stopped): the project folder itself, say, or someone's documents."""
    if folder.exists() and not folder.is_dir():
        raise ProjectError(text("use.export_not_folder", path=folder))
    if not folder.is_dir():
        return
    others = [p.name for p in folder.iterdir()
              if p.name not in EXPORT_NAMES and not p.name.startswith(".")]
    if others:
        raise ProjectError(text("use.export_folder_busy", path=folder))


def _forget_earlier_export(folder: Path) -> str | None:
    """Remove an earlier export's manifest first (so a stopped export is never taken for a
    complete one); return the name of its model file."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        return None
    try:
        name = json.loads(path.read_text(encoding="utf-8")).get("model_file")
    except (OSError, ValueError, AttributeError):
        name = None
    path.unlink(missing_ok=True)
    return Path(str(name)).name if name else None
