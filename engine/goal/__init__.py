"""Step 1, the goal: a project from a data file, the task, the optimizing metric and the
satisfying constraints, and which runs meet those constraints.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("NewProjectRequest", "NewProjectResult", "SuggestGoalRequest"),
    "constraints": (
        "Constraint", "RESOURCE_QUANTITIES", "check_all", "explain_broken", "format_quantity",
        "parse_constraint", "quantity_label", "valid_quantities"),
    "costs": ("expected_cost", "row_costs"),
    "decision": ("answer_confidence", "calibrated", "cheapest_answers", "decided", "rule_for"),
    "cost_table": ("check_table", "describe_costs", "false_alarm_and_miss", "parse_pair",
                   "table_from_pairs", "yes_no_table"),
    "edit": ("set_abstain_accuracy", "set_constraints", "set_costs", "set_metric",
             "set_target_error"),
    "evaluation": ("Predictions", "optimizing_error", "score", "to_predictions"),
    "labellers": ("check_columns", "estimate_labellers", "proposed_target", "vote_kind"),
    "labellers_text": ("comparison_sentence", "confused_pairs", "confusion_table",
                       "labellers_line", "labellers_lines", "people_and_model"),
    "metrics": (
        "COST", "METRICS", "Metric", "Prepared", "compute", "compute_all", "cost_metric",
        "error_of", "find_metric", "get_metric",
        "metrics_for", "prepare", "value_from_error"),
    "resampled_ttest": ("ResampledTTest", "corrected_resampled_ttest"),
    "run_choice": ("best_run", "choice_note", "feasibility", "passed_over", "why_not_offered"),
    "step": ("GoalChoice", "new_project", "suggest_goal"),
    "suggestion": ("positive_label", "suggest_metric"),
    "tasks": ("TASK_KINDS", "check_task", "infer_task"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
