"""The live monitor's statistics tabs: synthetic telemetry in, curves and filter images out,
drawn on the timer only, cleared by a new run; tabs show only while there is something."""

import math

import numpy as np
import pytest
from PySide6.QtGui import QImage

from engine.core.jobs import BatchEnded, FiltersSampled, RunFinished, TelemetrySampled
from gui.jobs import JobRunner
from tests.gui.fake_jobs import FakeJobs
from gui.live_monitor import LiveMonitor
from gui.telemetry_panels import (FiltersPanel, GradientPanel, UnitsPanel, UpdateRatioPanel,
                                  filter_images)

from .conftest import save_screenshot

LAYERS = ("dense", "dense_1", "dense_2")


@pytest.fixture
def monitor(qtbot):
    runner = JobRunner()  # never started: the test emits its signals itself
    widget = LiveMonitor(runner)
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    widget.show()
    return FakeJobs(runner), widget


def panel(widget, cls):
    return next(p for p in widget.panels() if isinstance(p, cls))


def tab_shown(widget, cls) -> bool:
    return widget.tabs.isTabVisible(widget.tabs.indexOf(panel(widget, cls)))


def sample(run_id, step, probe=False, scale=1.0):
    """Telemetry as the engine sends it: per-layer ratios and norms, activations rarely."""
    ratios = {name: scale * 1e-3 * (i + 1) * (1 + 0.3 * math.sin(step / 40))
              for i, name in enumerate(LAYERS)}
    grads = {name: 0.5 / (i + 1) * math.exp(-step / 800) for i, name in enumerate(LAYERS)}
    activations = None
    if probe:
        activations = {"dense": {"mean": 0.3, "std": 0.5, "dead": min(0.6, step / 2000)},
                       "dense_1": {"mean": 0.2, "std": 0.4, "dead": 0.05},
                       "dense_2": {"mean": 0.5, "std": 0.2, "saturated": 0.1}}
    return TelemetrySampled(run_id, step, 1 + step // 100, 1e-3, ratios, grads,
                            math.sqrt(sum(g * g for g in grads.values())), activations)


def rgb_filters(n=16, size=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, size, size, 3)).round(3).tolist()


def test_telemetry_reaches_the_panels_on_the_timer(qtbot, monitor):
    runner, widget = monitor
    updates, grads, units = (panel(widget, c) for c in (UpdateRatioPanel, GradientPanel,
                                                        UnitsPanel))
    # Before any statistics: only the curves tab, so no tab bar at all.
    assert not any(tab_shown(widget, c) for c in (UpdateRatioPanel, GradientPanel,
                                                  UnitsPanel, FiltersPanel))
    runner.start()
    events = [sample("run-t", step, probe=step % 50 == 0) for step in range(10, 1010, 10)]
    for event in events:
        runner.emit(event)
    assert tab_shown(widget, UpdateRatioPanel) and tab_shown(widget, GradientPanel)
    assert tab_shown(widget, UnitsPanel)
    assert not tab_shown(widget, FiltersPanel)  # a table model has no filters
    widget.tabs.setCurrentWidget(updates)
    assert len(updates.series("dense")[0]) == 0  # nothing is drawn per event ...
    # ... the timer draws
    qtbot.waitUntil(lambda: len(updates.series("dense")[0]) == 100, timeout=3000)
    x, y = updates.series("dense_1")
    assert x.tolist() == [e.step for e in events]
    assert y.tolist() == pytest.approx([e.update_ratio["dense_1"] for e in events])
    assert updates.waiting.isHidden() and updates.plot.isVisible()
    # A hidden tab is drawn once it is shown.
    assert len(grads.series("dense")[0]) == 0
    widget.tabs.setCurrentWidget(grads)
    qtbot.waitUntil(lambda: len(grads.series(GradientPanel.GLOBAL)[0]) == 100, timeout=3000)
    assert grads.series(GradientPanel.GLOBAL)[1][0] == pytest.approx(events[0].global_grad_norm)
    assert set(grads.curves.layers()) == {*LAYERS, GradientPanel.GLOBAL}
    # The same layer has the same colour on every tab.
    assert grads.curves.curve("dense_2").opts["pen"].color() == \
        updates.curves.curve("dense_2").opts["pen"].color()
    widget.tabs.setCurrentWidget(units)
    qtbot.waitUntil(lambda: len(units.series("dead", "dense")[0]) == 20, timeout=3000)
    assert units.curves["dead"].layers() == ["dense", "dense_1"]
    assert units.curves["saturated"].layers() == ["dense_2"]
    assert units.series("saturated", "dense_2")[1].tolist() == pytest.approx([0.1] * 20)
    save_screenshot(widget, "monitor_units")
    widget.tabs.setCurrentWidget(grads)
    qtbot.wait(150)
    save_screenshot(widget, "monitor_gradients")
    widget.tabs.setCurrentWidget(updates)
    qtbot.wait(150)
    save_screenshot(widget, "monitor_weight_updates")


def test_zero_or_missing_values_are_left_out_of_log_plots(qtbot, monitor):
    runner, widget = monitor
    updates = panel(widget, UpdateRatioPanel)
    widget.tabs.setCurrentWidget(updates)
    runner.emit(TelemetrySampled("run-z", 10, 1, 1e-3, {"frozen": 0.0, "top": 1e-3},
                                           {}, None, None))
    runner.emit(TelemetrySampled("run-z", 20, 1, 1e-3,
                                           {"frozen": 0.0, "top": float("nan")}, {}, None))
    widget.tabs.setCurrentWidget(updates)
    qtbot.waitUntil(lambda: len(updates.series("top")[0]) == 1, timeout=3000)
    assert updates.curves.layers() == ["top"]
    grads = panel(widget, GradientPanel)
    assert not grads.has_data()  # the optimizer recorded no gradients
    widget.tabs.setCurrentWidget(grads)
    qtbot.waitUntil(lambda: not grads.stale and grads.waiting.isVisible(), timeout=3000)


def test_filters_become_images(qtbot, monitor):
    runner, widget = monitor
    filters = panel(widget, FiltersPanel)
    widget.set_data_kind("images")
    runner.start()
    runner.emit(sample("run-i", 10))
    assert tab_shown(widget, FiltersPanel)  # an image model: the tab waits for the filters
    widget.tabs.setCurrentWidget(filters)
    qtbot.waitUntil(lambda: filters.waiting.isVisible(), timeout=3000)
    assert "end of each epoch" in filters.waiting.text()
    grey = np.linspace(0, 1, 5 * 5 * 1 * 8).reshape(8, 5, 5, 1).tolist()
    runner.emit(FiltersSampled("run-i", 1, "conv2d", grey))
    runner.emit(FiltersSampled("run-i", 2, "conv2d", rgb_filters(32)))
    qtbot.waitUntil(lambda: len(filters.grid.images) == 32, timeout=3000)
    image = filters.grid.images[0]
    assert (image.width(), image.height()) == (3, 3)
    assert image.format() == QImage.Format_RGB888
    first = rgb_filters(32)[0][0][0]  # filter 0, row 0, column 0
    colour = image.pixelColor(0, 0)
    assert (colour.red(), colour.green(), colour.blue()) == \
        tuple(round(v * 255) for v in first)
    assert "epoch 2" in filters.caption.text() and "conv2d" in filters.caption.text()
    assert filters.waiting.isHidden()
    save_screenshot(widget, "monitor_filters")


def test_filter_images_of_grey_filters():
    images = filter_images(np.linspace(0, 1, 2 * 4 * 4).reshape(2, 4, 4, 1).tolist())
    assert len(images) == 2 and images[0].format() == QImage.Format_Grayscale8
    assert images[0].pixelColor(0, 0).red() == 0 and images[1].pixelColor(3, 3).red() == 255
    assert filter_images([]) == []


def test_a_new_run_clears_the_panels_and_hides_their_tabs(qtbot, monitor):
    runner, widget = monitor
    updates, filters = panel(widget, UpdateRatioPanel), panel(widget, FiltersPanel)
    widget.tabs.setCurrentWidget(updates)
    for step in (10, 20, 30):
        runner.emit(sample("run-a", step, probe=True))
    runner.emit(FiltersSampled("run-a", 1, "conv2d", rgb_filters(4)))
    widget.tabs.setCurrentWidget(updates)
    qtbot.waitUntil(lambda: len(updates.series("dense")[0]) == 3, timeout=3000)
    assert tab_shown(widget, FiltersPanel) and filters.has_data()
    # A new run of a model without statistics: the tabs go, the curves stay.
    runner.emit(BatchEnded("run-b", 1, 0.7, 0.7, 0.7, 1e-3))
    assert not updates.has_data() and not filters.has_data()
    assert updates.curves.layers() == []
    assert not any(tab_shown(widget, c) for c in (UpdateRatioPanel, GradientPanel,
                                                  UnitsPanel, FiltersPanel))
    assert widget.tabs.currentIndex() == 0
    # Its statistics start afresh.
    runner.emit(TelemetrySampled("run-b", 10, 1, 1e-3, {"conv": 2e-3}, {}, None))
    widget.tabs.setCurrentWidget(updates)
    qtbot.waitUntil(lambda: len(updates.series("conv")[0]) == 1, timeout=3000)
    assert updates.curves.layers() == ["conv"]
    runner.emit(RunFinished("run-b", "finished"))
    assert tab_shown(widget, UpdateRatioPanel)  # the finished run's picture stays
