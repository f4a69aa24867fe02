"""The user's word on mirrored and turned pictures reaches the run: it is saved with the run's
settings and decides the layers of the saved model; the digits sample has both off."""

import keras

from engine.data.samples import SAMPLES
from engine.diagnosis.next_move import start_settings
from engine.goal.step import GoalChoice, new_project
from engine.models import zoo
from engine.models.augmentation import augmentation_names
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from tests.test_cli_data_kinds import _image_folder

LABEL_CHANGING = {"augment_flip", "augment_rotation"}


def _saved_model(project, run_id):
    import engine.models.augmentation  # noqa: F401  (registers Practica's own layers)
    return keras.saving.load_model(project.run_dir(run_id) / "model.keras", safe_mode=True)


def _trained(project, params):
    result = run_training(TrainingSpec(str(project.root), "cnn",
                                       {"epochs": 1, "filters": 4, "augment": 0.5, **params}))
    assert result.status == "finished"
    project = open_project(project.root)
    return project.run(result.run_id), _saved_model(project, result.run_id)


def test_the_settings_are_saved_with_the_run_and_build_its_model(tmp_path):
    project = new_project(tmp_path / "proj",
                          GoalChoice(data=str(_image_folder(tmp_path / "pics")), target=None))
    split_project(project, seed=0)
    run, model = _trained(project, {"flip_keeps_label": True})
    assert run.params["flip_keeps_label"] is True and run.params["rotate_keeps_label"] is False
    assert set(augmentation_names(model)) & LABEL_CHANGING == {"augment_flip"}
    run, model = _trained(project, {})
    assert not run.params.get("flip_keeps_label") and not run.params.get("rotate_keeps_label")
    assert not set(augmentation_names(model)) & LABEL_CHANGING
    assert "augment_zoom" in augmentation_names(model)  # still augmented, label-safe


def test_the_digits_sample_never_mirrors_or_turns_its_digits(tmp_path):
    sample = SAMPLES["digits"]
    project = new_project(tmp_path / "digits", GoalChoice(data=str(sample.path), target=None))
    split_project(project, seed=0)
    kind, defaults = start_settings(project, None)  # what a first network starts from
    assert kind == "cnn"
    assert defaults["flip_keeps_label"] is False and defaults["rotate_keeps_label"] is False
    model = zoo.build_model(kind, (8, 8), "multiclass", 10, defaults, augment=1.0)
    assert augmentation_names(model) and not set(augmentation_names(model)) & LABEL_CHANGING
