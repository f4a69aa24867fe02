"""What each engine entry point that can reach a project is allowed to do before the vault
opens, for ``test_vault_entry_points``: refuse (raise ``VaultLockedError``), open the vault on
purpose, read only the files it is handed, read the whole data file, work only on what it is
given, or run only inside the jobs and commands the probe runs. A name listed here must be
a real entry point; one that none of these lists covers must run in the probe itself.
"""

from __future__ import annotations

REFUSE = {  # exist to read the test set: raise VaultLockedError while it is locked
    "engine.split.datasets.split_frame": lambda c: c.call("split_frame", c.project(), "test"),
    "engine.project.vault.require_open": lambda c: c.call("require_open", c.project()),
    "engine.project.vault.record_evaluation": lambda c: c.call("record_evaluation", c.project(), "r"),
    "engine.report.prediction_tables.predictions_table":
        lambda c: c.call("predictions_table", c.project(), "test"),
    "engine.final.ensemble.ensemble_predictions":
        lambda c: c.call("ensemble_predictions", c.project(), c.members(), "test", c.prep()),
    "engine.final.ensemble.member_scores":
        lambda c: c.call("member_scores", c.project(), c.members(), ("test",), c.prep()),
}
OPENS = {  # open the vault on purpose (the final test): run on a copy, must log it
    "engine.project.vault.open_vault", "engine.final.step.run_final_test", "engine.app.workflow.run_until",
}
FILES_ONLY = {  # take a folder or a path, but read only what the caller names; no split
    "engine.core.atomic.remove_temp_files": "cleans temporary files in a folder",
    "engine.tuning.trial_store.upload_run": "packs the run folder of the trial it is given "
                                            "(run by the tests of a shared store)",
    "engine.kinds.image_fingerprints.image_fingerprints": "reads the pictures it is given",
    "engine.data.image_folder.ImageFolderRead.__init__": "holds a read image folder",
    "engine.data.image_folder.folder_fingerprint": "stats the files of a folder",
    "engine.data.image_folder.read_image_folder": "reads the image folder it is given",
    "engine.data.image_folder.files_below": "lists the file names below the folder it is given",
    "engine.data.image_folder.check_class_files": "checks the files of the folder it is given",
    "engine.kinds.image_inputs.ImageInputs.__init__": "holds a picture coding",
    "engine.kinds.image_inputs.decode_images": "decodes the pictures it is given",
    "engine.kinds.image_inputs.fit_image_inputs": "fits on the training frame it is given",
    "engine.kinds.by_kind.example_keys": "keys the frame it is given",
    "engine.data.sample_builders.digits_folder": "writes a bundled sample",
    "engine.data.sample_builders.machine_sounds_folder": "writes a bundled sample",
    "engine.kinds.sound_inputs.fit_sound_inputs": "fits on the training frame it is given",
    "engine.kinds.sound_keys.sound_prints": "reads the recordings it is given",
    "engine.data.sound_picture.spectrogram_png": "draws the one recording it is given",
    "engine.data.samples.write_sample": "writes a bundled sample",
    "engine.project.source_changes.SourceChange.__init__": "a record of a changed data file",
    "engine.use.model_export.ExportResult.__init__": "a record of written files",
    "engine.final.seed_repeats.Repeat.__init__": "a record of a seed copy",
    "engine.project.paths.check_project_paths": "checks the names in a project file",
    "engine.project.lock.hold": "writes who holds the project into its lock file",
    "engine.models.pretrained.install.place": "renames a checked weights file in the Keras "
                                              "cache",
    "engine.project.journal.commit": "appends the state it is given to the project's record",
    "engine.use.usable_model.from_export": "reads an export folder, which holds no data rows",
    "engine.use.export_guard.export_guard": "reads an export folder's guard (keyed hashes of "
                                            "the test rows' inputs, no rows) and whether "
                                            "its project's vault is open",
    "engine.models.safe_model_check.read_config": "reads an unpacked model's config.json",
}
WHOLE_FILE = {  # the data file as the user gave it: every row, none marked as a test row
    "engine.split.datasets.source_frame": "the split reads it to split the rows and the Data page "
                                    "shows it; which rows are test rows stays hidden "
                                    "(split_rows leaves them out while the vault is closed)",
}
GIVEN = {  # work only on what they are handed (only the final test hands them test rows,
    # after opening the vault); the jobs above run them on what they measured
    "engine.final.finalists.finalist": "measures the predictions it is given",
    "engine.final.finalists.run_predictions": "scores the coded rows it is given",
    "engine.diagnosis.learning_curve.curve_record": "assembles the curve points it is given",
    "engine.kinds.row_keys.image_keys": "keys the image frame it is given",
    "engine.kinds.sound_keys.sound_keys": "keys the sound frame it is given",
    "engine.use.prediction_job.clip_pictures": "draws the recordings of the predictions it "
                                               "is given (new data, not the project's rows)",
    "engine.diagnosis.why_example.why_of_row": "explains the one row it is handed (the "
                                               "why_example job hands it a dev row)",
    "engine.cli.move_printer.move_command": "writes the command line of the move it is given "
                                            "(the folder is only named in it)",
}
# Each data kind's object (engine/kinds/<kind>.py) works on what the rooms above hand it.
_KIND_METHODS = {"example_keys": "keys the frame it is given",
                 "example_shower": "shows the examples it is given",
                 "fit_inputs": "fits on the training frame it is given"}
for _kind, _own in (("kind.DataKind", _KIND_METHODS), ("table.TableKind", ("example_keys",
                    "fit_inputs")), ("images.ImagesKind", _KIND_METHODS),
                    ("text.TextKind", _KIND_METHODS), ("sound.SoundKind", _KIND_METHODS),
                    ("sequence.SequenceKind", ("example_shower", "fit_inputs"))):
    for _method in _own:  # the methods each kind defines itself (others are inherited)
        GIVEN[f"engine.kinds.{_kind}.{_method}"] = _KIND_METHODS[_method]
BY_JOBS = {  # long work, or work that changes the project: run by the jobs and commands
    # above, whose results and written files are what these return and write
    "engine.baseline.step.run_baselines": "baselines", "engine.training.job.run_training": "train",
    "engine.baseline.sanity_step.run_sanity": "sanity",
    "engine.diagnosis.learning_curve.draw_learning_curve": "learning_curve",
    "engine.diagnosis.learning_curve_fit.fit_point": "learning_curve",
    "engine.diagnosis.kfold.compare_by_kfold": "kfold and practica kfold",
    "engine.diagnosis.error_analysis.analyse_errors": "error_analysis",
    "engine.diagnosis.label_issues.find_label_issues": "error_analysis",
    "engine.diagnosis.hard_examples_check.check_before_hard_examples":
    "train with hard examples",
    "engine.diagnosis.importance.explain_run": "explain and practica explain",
    "engine.decision.calibration.calibrate_run": "calibrate and practica calibrate",
    "engine.decision.calibration.dev_scores": "calibrate and practica calibrate",
    "engine.decision.threshold.set_threshold": "threshold and practica threshold",
    "engine.decision.threshold.dev_probabilities": "threshold and practica threshold",
    "engine.final.ensemble.score_ensemble": "ensemble", "engine.report.build_report": "report",
    "engine.report.step.export_report": "report", "engine.report.pdf.document.write_pdf":
    "report", "engine.report.csv_export.export_csv": "report",
    "engine.report.prediction_csv.export_predictions": "report",
    "engine.use.prediction_job.predict_to_csv": "predict",
    "engine.use.model_export.export_model": "export_model",
    "engine.use.export_guard.write_guard": "export_model",
    "engine.split.step.split_project": "split",
    "engine.cli.check_command.resplit": "practica check --drop-copies",
    "engine.tuning.step.tune_project": "practica run", "engine.tuning.workers.run_parallel":
    "tune", "engine.tuning.objective.run_study": "tune",
    "engine.tuning.step.search": "tune, practica tune and worker",
    "engine.tuning.step.tuning_budget": "tune",
    "engine.tuning.step.log_search": "tune",
    "engine.tuning.study.is_reachable": "tune: looks for the run folder of the trial it is given",
    "engine.tuning.fold_scores.FoldScorer.score": "tune and practica run --kfold",
    "engine.tuning.space_file.custom_space": "practica tune --fix",
    "engine.cli.tune_command.ranges_asked": "practica tune --fix",
    "engine.cli.monitor_printer.print_monitor_summary": "practica train", "engine.goal.step.new_project": "new_project",
    "engine.project.project.create_project": "new_project",
}
CLI_NOT_RUN = {
    "demo": "makes its own project from a bundled sample and takes it to the report, final "
            "test included, by the code of 'run' (run here up to tune) and of the final "
            "test (the final_test job, run on a copy below)",
    "weights": "opens no project: lists, downloads or copies a backbone's weights file into "
               "the Keras cache (needs a server; tests/engine/cli/test_weights_command.py)",
}
