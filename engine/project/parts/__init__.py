"""The typed parts of a project, one module each: its type, ``load(raw)`` from the JSON of
``project.json`` and ``dump(part)`` back to it. Only ``engine.project.schema`` calls
``load`` and ``dump``; everything else reads the parts from ``Project``'s fields."""

from engine.core.front_door import public_names

_EXPORTS = {
    "decision_rule": (
        "CALIBRATION_METHODS", "CalibrationFit", "CostAnswers", "DecisionRule", "THRESHOLD_RULES",
        "ThresholdChoice"),
    "diagnosis": ("DiagnosisRecord", "LadderRow"),
    "error_analysis": (
        "ConfusionCells", "ErrorAnalysisRecord", "ErrorCase", "Suspect", "SuspectCheck"),
    "final_test": (
        "Comparison", "Confusion", "FinalTestRecord", "FinalistRecord", "MetricResult",
        "RetrainedModel", "SeedSpread", "VaultChecks"),
    "goal": ("CostTable", "Goal", "GoalConstraint"),
    "learning_curve": ("CurvePoint", "LearningCurveRecord", "SizeSummary"),
    "report": ("ReportRecord",),
    "sanity": ("CheckResult", "LrRangeResult", "SanityRecord"),
    "split": ("Fractions", "SplitCheck", "SplitRecord"),
    "summary": ("DataSummary",),
    "test_curves": (
        "Calibration", "ClassScores", "CurveBundle", "PrCurve", "PrCurves", "RejectChoice",
        "RegressionPoints", "RejectCurve", "RocCurve", "RocCurves"),
    "vault": ("Evaluation", "Vault"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
