"""The application's floor: step gating, the headless workflow (``run --until``), the job
catalogue and the engine process that runs jobs for the GUI.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("ReportRequest", "ReportResult"),
    "job_catalog": ("JOBS", "run_request"),
    "job_server": ("EXTRA_JOBS", "job_table", "serve"),
    "steps": ("DONE", "HEADLESS", "LOCKED", "READY", "STALE", "STEPS", "STEP_ALIASES", "step_states"),
    "workflow": ("run_until",),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
