"""Step 6, the final test: the checks before the vault opens, the vault opened once, the
finalists, seed repeats, the ensemble, comparisons, the reject option and the curves.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("EnsembleRequest", "EnsembleRunRequest", "FinalTestRequest"),
    "comparisons": (
        "compare_finalists", "describe_reason", "describe_test", "fmt_p", "pair_test",
        "shared_seeds"),
    "ensemble": (
        "DEFAULT_MEMBERS", "eligible_members", "ensemble_members", "load_ensemble",
        "score_ensemble"),
    "ensemble_run": (
        "EnsembleMade", "ensemble_run_label", "make_ensemble_run", "pick_members",
        "summed_measures"),
    "finalists": ("Finalist", "best_baseline"),
    "gate": ("GateVerdict", "VaultGateError", "redo_diagnosis", "vault_gate"),
    "reject_option": (
        "abstain_mask", "at_threshold", "choose_threshold", "confidence_of", "coverage_curve"),
    "seed_repeats": (
        "DEFAULT_SEEDS", "MAX_SEEDS", "effective_k", "estimate_seconds", "repeat_folder",
        "train_repeats"),
    "step": ("final_intervals", "run_final_test"),
    "test_curves": (
        "MAX_POINTS", "MAX_SCATTER", "curve_bundle", "expected_calibration_error",
        "reject_threshold", "target_accuracy"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
