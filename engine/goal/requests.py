"""The goal room's job requests: suggest a goal for a source, make the project."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class SuggestGoalRequest(JobRequest):
    """Suggest a task, metric and target for the data at ``path``.

    Result: a ``StepResult`` holding ``suggest_goal``'s dict.
    """

    path: str
    target: str | None = None
    data_kind: str | None = None
    text_column: str | None = None
    sequence: dict | None = None


@dataclass(frozen=True)
class NewProjectRequest(JobRequest):
    """Make the project folder ``project`` for the goal chosen (see ``GoalChoice``).

    Result: ``NewProjectResult``.
    """

    project: str
    data: str
    target: str | None = None
    target_data: str | None = None
    task: str | None = None
    metric: str | None = None
    constraints: tuple[str, ...] = ()
    target_error: float | None = None
    data_kind: str | None = None
    text_column: str | None = None
    sequence: dict | None = None
    abstain_accuracy: float | None = None
    costs: tuple[str, ...] = ()
    cost_unit: str = ""
    label_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewProjectResult:
    """The folder of the project made."""

    project: str

    def to_dict(self) -> dict:
        return {"project": self.project}

    @classmethod
    def from_dict(cls, data: dict) -> "NewProjectResult":
        return cls(str(data["project"]))
