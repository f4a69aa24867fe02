"""Step 4, diagnose: the error ladder and the next move, learning curves, error analysis
with tags, suspected label errors, which inputs matter, and why the model answered one
example as it did.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("DiagnoseRequest", "ErrorAnalysisRequest", "ExplainRequest",
                 "KfoldRequest", "LearningCurveRequest", "WhyExampleRequest"),
    "kfold": ("DataSize", "KFOLD_FILE", "KfoldModel", "KfoldResult", "compare_by_kfold",
              "data_size", "default_models", "kfold_headers", "kfold_result", "kfold_rows",
              "kfold_sentences", "load_kfold",
              "non_test_rows", "stratified_folds"),
    "error_analysis": (
        "MAX_EXAMPLES", "allocate", "analyse_errors", "analysis_state", "case_details",
        "case_line", "case_lookup", "cell_count", "cell_examples", "stratified_sample",
        "worst_errors"),
    "error_tag_import": ("TagImport", "import_tags", "read_tag_file"),
    "error_tags": (
        "ceiling_words", "clear_tags", "error_words", "parse_tags", "project_suggestions",
        "set_tags", "suggested_tags", "tag_table", "tags_frame", "tags_of", "tags_text",
        "toggle_tag"),
    "hard_examples_check": ("check_before_hard_examples", "hard_examples_strength"),
    "importance": (
        "ImportanceResult", "InputImportance", "explain_run", "importance_lines", "leak_of",
        "load_importance", "shares", "t_interval", "word_bands"),
    "label_issues": (
        "class_thresholds", "find_label_issues", "flag_issues", "out_of_sample_proba"),
    "ladder": (
        "Diagnosis", "GAP_OF_VERDICT", "VERDICTS", "advice_for", "diagnose", "gap_label",
        "verdict_label"),
    "learning_curve": (
        "CurvePoint", "DEFAULT_SEEDS", "DEFAULT_SIZES", "curve_record", "draw_learning_curve",
        "nested_subsets", "strata"),
    "learning_curve_verdict": ("SizeSummary", "judge_curve"),
    "learning_curve_view": ("curve_is_current", "curve_note", "curve_rows", "curve_series",
                            "has_curve"),
    "next_move": ("recommended_move",),
    "step": ("diagnose_project", "read_ladder"),
    "why_example": ("WhyExample", "WhyPart", "explain_example", "first_reason", "load_why",
                    "why_lines", "why_of_row"),
    "why_inputs": ("WhyInputs", "patch_boxes", "why_inputs", "word_segments"),
    "why_picture": ("heat_map", "overlay_png", "strength_of"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
