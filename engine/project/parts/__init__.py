"""The typed parts of a project, one module each: its type, ``load(raw)`` from the JSON of
``project.json`` and ``dump(part)`` back to it. Only ``engine.project.schema`` calls
``load`` and ``dump``; everything else reads the parts from ``Project``'s fields."""

from engine.core.front_door import public_names

_EXPORTS = {
    "diagnosis": ("DiagnosisRecord",),
    "error_analysis": ("ErrorAnalysisRecord",),
    "final_test": ("FinalTestRecord",),
    "goal": ("Goal",),
    "learning_curve": ("LearningCurveRecord",),
    "report": ("ReportRecord",),
    "sanity": ("SanityRecord",),
    "split": ("SplitRecord",),
    "summary": ("DataSummary",),
    "vault": ("Evaluation", "Vault"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
