"""The PDF report's highlights of the training monitor, right under the training curves:
the alerts it raised and, in a sentence or two, how the layers learned (how far each step
moved the weights, dead or saturated units), with a small per-layer table.

It describes the run whose curves are drawn (the chosen model, or the best network when
the chosen model has no epochs). The alerts come from the run's telemetry digest
(``engine.training.monitor.digest``); for a run without one they are read again from the saved
loss history with the monitor's own rules (``engine.training.monitor.alerts``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.words.formatting import fmt_share, t
from engine.report.pdf.style import bullets, heading, lead, plain, table
from engine.project.project import chosen_run
from engine.project.run_record import RunRecord
from engine.training.monitor.digest import read_digest
from engine.training.monitor.health import MAX_UPDATE_RATIO, MIN_UPDATE_RATIO
from engine.training.monitor.alerts import check_alerts

MAX_LAYERS_SHOWN = 12
DEAD_WORTH_SAYING = 0.05  # a share of dead units below this is not worth a sentence


def curves_run(project: Project) -> RunRecord | None:
    """The run whose training curves the report draws (see ``pdf_results.curves_section``):
    the chosen run, or when it has no epochs the network with the lowest dev error (the
    earliest of equals); None before a model is chosen or when no network was trained."""
    run = chosen_run(project)
    if run is None:
        return None
    if run.history:
        return run
    deep = [(_dev(r), i, r) for i, r in enumerate(project.runs) if r.history]
    return min(deep, key=lambda d: d[:2])[2] if deep else None


def _dev(run: RunRecord) -> float:
    value = run.errors.get("dev")
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else math.inf


def monitor_section(project: Project) -> list[Flowable]:
    """A sub-section of the training curves; nothing before a model is chosen."""
    if chosen_run(project) is None:
        return []
    out: list[Flowable] = [heading(t("monitor.heading"), 2)]
    run = curves_run(project)
    if run is None:
        return out + [plain(t("monitor.no_run"))]
    digest = read_digest(project.run_dir(run.id))
    alerts = (digest or {}).get("alerts")
    replayed = digest is None
    if replayed:
        alerts = replay_alerts(run.history)
    if alerts:
        out.append(lead(t("monitor.alerts", n=len(alerts), label=run.label)))
        # text keys: report.monitor.alert, report.monitor.alert_first
        out.extend(bullets([t("monitor.alert_first" if a.get("after_epochs") == 0
                              else "monitor.alert", epochs=a.get("after_epochs", "?"),
                              text=a.get("text", "")) for a in alerts]))
        if replayed:
            out.append(plain(t("monitor.replayed"), "small"))
    else:
        out.append(plain(t("monitor.no_alerts", label=run.label)))
    layers = (digest or {}).get("layers") or {}
    if not layers:
        return out + [plain(t("monitor.no_stats"))]
    sentences = layer_sentences(layers)
    out.extend(plain(s) for s in sentences[:-1])
    out += [lead(s) for s in sentences[-1:]]  # the last stays on the page of the table
    return out + _layer_table(layers)


def replay_alerts(history: list[dict]) -> list[dict[str, Any]]:
    """The epoch alerts the monitor raised, found again by feeding it the history epoch by
    epoch (what it saw live, less the first batch's loss it compared with)."""
    sent: set[str] = set()
    found = []
    for n in range(1, len(history) + 1):
        for alert in check_alerts(history[:n], sent):
            sent.add(alert.code)
            found.append({"code": alert.code, "severity": alert.severity, "text": alert.text,
                          "after_epochs": n})
    return found


def layer_sentences(layers: dict[str, dict[str, float]]) -> list[str]:
    """One or two plain sentences on the update ratios and the dead or saturated units."""
    out = []
    ratios = {name: v["update_ratio_median"] for name, v in layers.items()
              if isinstance(v.get("update_ratio_median"), (int, float))}
    if ratios:
        low = min(ratios, key=ratios.get)
        high = max(ratios, key=ratios.get)
        median = float(np.median(list(ratios.values())))
        words = t("monitor.ratios", median=_ratio(median), low=_ratio(ratios[low]),
                  low_layer=low, high=_ratio(ratios[high]), high_layer=high)
        bad = [n for n, r in ratios.items() if not MIN_UPDATE_RATIO <= r <= MAX_UPDATE_RATIO]
        words += " " + (t("monitor.ratios_bad", layers=", ".join(f"“{n}”" for n in bad))
                        if bad else t("monitor.ratios_ok"))
        out.append(words)
    dead = {n: v["dead_last"] for n, v in layers.items() if "dead_last" in v}
    if dead:
        worst = max(dead, key=dead.get)
        out.append(t("monitor.dead", share=fmt_share(dead[worst]), layer=worst)
                   if dead[worst] >= DEAD_WORTH_SAYING else t("monitor.no_dead"))
    saturated = {n: v["saturated_last"] for n, v in layers.items() if "saturated_last" in v}
    if saturated and max(saturated.values()) >= DEAD_WORTH_SAYING:
        worst = max(saturated, key=saturated.get)
        out.append(t("monitor.saturated", share=fmt_share(saturated[worst]), layer=worst))
    return out


def _layer_table(layers: dict[str, dict[str, float]]) -> list[Flowable]:
    names = [n for n in layers if "update_ratio_median" in layers[n]][:MAX_LAYERS_SHOWN]
    if not names:
        return []
    rows = [[n, _ratio(layers[n]["update_ratio_median"]),
             f"{_ratio(layers[n].get('update_ratio_low'))} - "
             f"{_ratio(layers[n].get('update_ratio_high'))}",
             fmt_share(layers[n]["dead_last"]) if "dead_last" in layers[n] else t("none")]
            for n in names]
    return [table([t("monitor.col_layer"), t("monitor.col_ratio"), t("monitor.col_range"),
                   t("monitor.col_dead")], rows, widths=[2.4, 1.4, 2.0, 1.6],
                  right=(1, 2, 3), width_share=0.75)]


def _ratio(value: Any) -> str:
    return f"{float(value):.2g}" if isinstance(value, (int, float)) else t("none")
