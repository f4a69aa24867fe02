"""Step 5, tune: the search space, the Optuna study and its workers, coarse-to-fine rounds,
and the summary the pages and the report show.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "choice": ("Adoption", "Choice", "adopt_best_trial", "best_feasible_trial_run",
               "choose_run", "named_run"),
    "database": ("GRACE_S", "HEARTBEAT_S", "StorageError", "check_owner",
                 "connection_problem", "connection_report", "database_storage", "handed_on", "fail_dead_trials",
                 "public_url"),
    "fold_scores": ("FoldScorer", "FoldScores", "check_folds", "fold_scores",
                    "optimism_sentence"),
    "journal_lock": ("JOURNAL", "JournalFlock", "journal_path"),
    "kind": ("tuning_kind",),
    "narrowing": ("narrowed_space", "next_round"),
    "objective": ("TrialObjective", "TuningBudget", "run_study", "run_worker"),
    "space": (
        "CATEGORICAL", "FLOAT", "INT", "POWERS_OF_TWO", "ParamRange", "SearchSpace",
        "default_space", "grid", "grid_size", "suggest"),
    "space_file": ("custom_space", "parse_fixed", "parse_range", "read_space_file",
                   "space_round"),
    "step": ("log_search", "search", "tune_project", "tuning_budget", "tuning_done"),
    "requests": ("StorageCheckRequest", "TuneRequest", "TuningOverviewRequest"),
    "study": (
        "STUDY_NAME", "best_feasible_trial",
        "make_pruner", "make_sampler", "make_storage", "open_study",
        "study_settings", "worker_id"),
    "settings": ("DEFAULT_PRUNER", "PRUNERS", "SAMPLERS", "TuningSettings"),
    "summary": (
        "MIN_FOR_IMPORTANCE", "SUMMARY", "VERSION", "current_summary", "position",
        "read_summary", "refresh_summary", "study_summary",
        "summary_is_stale", "summary_path", "write_summary"),
    "summary_types": (
        "Axis", "BestTrial", "HistoryPoint", "TrialCounts", "TrialRow", "TuningSummary"),
    "table": ("COLUMNS", "trials_frame", "write_trials_csv"),
    "workers": ("HelperStop", "helper_env", "run_parallel"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
