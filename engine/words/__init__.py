"""Words and numbers as people read them, shared by the pages, the CLI and the report:
formats, the result tables and the sentences that describe statistics and curves.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "cost_words": ("cost_amount", "cost_grid", "final_cost_sentence"),
    "curve_words": ("classes_to_draw",),
    "formatting": (
        "dash", "error_is_share", "fmt_confidence", "fmt_count", "fmt_error", "fmt_number",
        "fmt_points", "fmt_share", "fmt_time", "fmt_value", "gap_words", "is_number",
        "metric_label", "metric_title", "split_name", "step_name", "t", "t_or", "task_words",
        "verdict_words"),
    "result_tables": ("error_ladder_table", "test_metrics_table"),
    "stat_words": ("method_words", "quantities", "role_words"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
