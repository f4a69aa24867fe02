"""The "Probabilities that mean what they say" section: the chosen run's calibration
(``project.decision_rule``, fitted by ``engine.decision.calibration``) with the expected
calibration error before and after and the reliability diagram. Nothing at all when the
chosen run is not calibrated."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.decision.calibration import calibration_lines
from engine.project.project import Project, chosen_run
from engine.report.figure_calibration import reliability_chart
from engine.report.pdf.style import figure, heading, key_values, lead, plain
from engine.core.texts import text
from engine.words.formatting import t


def calibration_section(project: Project) -> list[Flowable]:
    """The method, how the dev rows were shared, the error before and after, the diagram."""
    rule = project.decision_rule
    run = chosen_run(project)
    if rule is None or run is None or not rule.applies_to(run.id) or rule.calibration is None:
        return []
    fit = rule.calibration
    lines = calibration_lines(fit, run.label)
    out: list[Flowable] = [heading(t("calibration.title")), lead(lines[0])]
    # text keys: calibration.method_temperature, calibration.method_platt
    # text keys: calibration.method_isotonic
    out.append(key_values([
        (t("calibration.method"), text(f"calibration.method_{fit.method}")),
        (t("calibration.scheme"), t("calibration.scheme_value", folds=_folds(fit.scheme),
                                    rows=fit.rows)),
        (t("calibration.ece_before"), _percent(fit.ece_before)),
        (t("calibration.ece_after"), _percent(fit.ece_after)),
        (t("calibration.set_at"), rule.set_at[:16].replace("T", " ")),
    ], key_width=1.2))
    out += [plain(line) for line in lines[1:]]
    if rule.after_test_seen:
        out.append(plain(t("calibration.after_test")))
    png = reliability_chart(fit.reliability_before, fit.reliability_after)
    if png is not None:
        out.extend(figure(png, t("calibration.caption"), width_share=0.7))
    return out


def _folds(scheme: str) -> str:
    return scheme.rsplit("_", 1)[-1] if scheme.startswith("cross_fit_") else scheme


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
