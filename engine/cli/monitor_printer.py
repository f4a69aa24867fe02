"""What the training monitor saw, on the terminal: its alerts and a short telemetry summary.

The alerts are printed live by ``EventPrinter`` as the monitor raises them
(``engine.training.monitor.alerts``); after a command trained, ``print_monitor_summary``
prints, for each run it made, the digest the monitor kept beside the run
(``engine.training.monitor.digest``): how far each step moved the weights (healthy around
0.001), the range of the gradient norm, the largest share of dead or saturated units, and
the alerts again with the epoch they came at.
"""

from __future__ import annotations

from typing import Callable, Iterable

from engine.core.texts import text
from engine.project.project import Project
from engine.training.monitor.digest import read_digest
from engine.training.monitor.health import MAX_UPDATE_RATIO, MIN_UPDATE_RATIO


def monitor_lines(digest: dict, label: str) -> list[str]:
    """The summary of one run's digest in plain lines (empty when it saw nothing)."""
    out = []
    layers = digest.get("layers") or {}
    ratios = {name: v["update_ratio_median"] for name, v in layers.items()
              if isinstance(v.get("update_ratio_median"), (int, float))}
    alerts = digest.get("alerts") or []
    if not ratios and not alerts:
        return out
    out.append(text("cli.monitor.heading", label=label, samples=digest.get("samples", 0),
                    alerts=len(alerts)))
    if ratios:
        low, high = min(ratios, key=ratios.get), max(ratios, key=ratios.get)
        healthy = all(MIN_UPDATE_RATIO <= r <= MAX_UPDATE_RATIO for r in ratios.values())
        out.append("  " + text("cli.monitor.updates", low=f"{ratios[low]:.1e}", low_layer=low,
                               high=f"{ratios[high]:.1e}", high_layer=high,
                               verdict=text("cli.monitor.healthy" if healthy
                                            else "cli.monitor.unhealthy")))
    grad = digest.get("grad_norm")
    if grad:
        out.append("  " + text("cli.monitor.gradients", low=f"{grad['min']:.3g}",
                               high=f"{grad['max']:.3g}"))
    for key in ("dead", "saturated"):
        shares = {n: v[f"{key}_max"] for n, v in layers.items() if f"{key}_max" in v}
        if shares:
            worst = max(shares, key=shares.get)
            # text keys: cli.monitor.{dead,saturated}
            out.append("  " + text(f"cli.monitor.{key}", share=f"{shares[worst]:.0%}",
                                   layer=worst))
    for alert in alerts:
        # text keys: cli.monitor.alert, cli.monitor.alert_first
        key = "alert_first" if alert.get("after_epochs") == 0 else "alert"
        out.append("  " + text(f"cli.monitor.{key}", epochs=alert.get("after_epochs", "?"),
                               severity=alert.get("severity", ""), text=alert.get("text", "")))
    return out


def print_monitor_summary(project: Project, run_ids: Iterable[str],
                          printer: Callable[[str], None] = print) -> None:
    """Print the monitor's summary of each run of ``run_ids`` that kept one."""
    by_id = {r.id: r for r in project.runs}
    for run_id in run_ids:
        run = by_id.get(run_id)
        digest = read_digest(project.run_dir(run_id)) if run is not None else None
        for line in monitor_lines(digest or {}, run.label if run is not None else run_id):
            printer(line)
