"""The project folder and its state: ``Project``, its schema and migrations, paths kept
inside the folder, the decisions log, run records, the vault and the data fingerprints.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "decisions": ("Decision", "now_iso"),
    "fingerprints": ("goal_key", "judging_key", "split_key"),
    "folders": ("default_project_folder",),
    "journal": ("JOURNAL_FILE", "read_journal"),
    "lock": ("LOCK_FILE", "LockHolder", "ProjectLock", "hold", "holder_of", "writer_token"),
    "project": (
        "DataSource", "PREPROCESS_FILE", "PROJECT_FILE", "Project", "SPLITS_FILE", "chosen_run",
        "create_project", "find_run", "open_project"),
    "run_record": ("RUN_FILE", "RunRecord"),
    "source_changes": ("SourceChange", "check_sources", "describe", "file_stamp"),
    "vault": ("open_vault", "record_evaluation", "require_open"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
