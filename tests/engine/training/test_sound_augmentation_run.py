"""Sound augmentation through a real run: the bundled machine sounds train well above chance
with it on; the changes the user picked are saved with the run and are the layers of its
saved model; the dev rows are scored without them."""

import shutil

import keras

from engine.data.samples import SAMPLES
from engine.goal.step import GoalChoice, new_project
from engine.models.augmentation import augmentation_names
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training


def test_a_sound_model_trains_with_the_changes_picked(tmp_path):
    data = tmp_path / "sounds"
    for name in ("hum", "whistle", "clicks"):
        (data / name).mkdir(parents=True)
        for wav in sorted((SAMPLES["machine_sounds"].path / name).glob("*.wav"))[:20]:
            shutil.copy(wav, data / name / wav.name)
    project = new_project(tmp_path / "proj", GoalChoice(data=str(data), target=None))
    split_project(project, seed=0)
    keras.utils.set_random_seed(0)
    result = run_training(TrainingSpec(str(project.root), "sound_cnn", {
        "epochs": 8, "patience": 8, "filters": 8, "batch_size": 16, "telemetry": False,
        "augment": 0.5,
        "sound_noise": False, "sound_pitch": True, "sound_stretch": True}))
    assert result.status == "finished"
    project = open_project(project.root)
    run = project.run(result.run_id)
    assert (run.params["sound_noise"], run.params["sound_shift"], run.params["sound_pitch"],
            run.params["sound_stretch"], run.params["sound_crop"]) == (
        False, True, True, True, False)
    import engine.models.augmentation  # noqa: F401  (registers Practica's own layers)
    model = keras.saving.load_model(project.run_dir(run.id) / "model.keras", safe_mode=True)
    assert augmentation_names(model) == ("augment_stretch", "augment_pitch",
                                         "augment_sound_shift")
    print(f"dev accuracy with augmentation: {run.metrics['dev']['accuracy']:.3f}")
    assert run.metrics["dev"]["accuracy"] > 0.6  # chance is 1/3
