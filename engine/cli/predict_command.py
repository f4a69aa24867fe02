"""``practica predict DIR FILE --out predictions.csv`` and ``practica export DIR --to FOLDER``:
use a project's chosen model (or an exported one) on new data, and export it
(``engine.use.prediction_job``, ``engine.use.model_export``)."""

from __future__ import annotations

import json
from pathlib import Path

from engine.core.texts import text
from engine.cli.printer import EventPrinter


def add_parsers(sub) -> None:
    """The ``predict`` and ``export`` subcommands and their options."""
    p = sub.add_parser("predict", help="predict new data with a project's chosen model "
                                       "(or an exported model) and write a CSV")
    p.add_argument("dir", help="the project folder, or a folder made by 'practica export'")
    p.add_argument("file", help="the new data: a CSV, Excel or Parquet file with the input "
                                "columns (for an image model: a folder of pictures)")
    p.add_argument("--out", default="predictions.csv",
                   help="the CSV to write (default: predictions.csv)")
    p.add_argument("--run", metavar="RUN", help="a run of the project to use instead of the "
                                                "chosen model")
    p.add_argument("--json", action="store_true", help="print a JSON summary")

    e = sub.add_parser("export", help="export a project's chosen model with its "
                                      "preprocessing, to use it elsewhere")
    e.add_argument("dir", help="the project folder")
    e.add_argument("--to", required=True, metavar="FOLDER",
                   help="the folder to write (made when missing; an earlier export in it "
                        "is replaced)")
    e.add_argument("--run", metavar="RUN", help="a run to export instead of the chosen model")
    e.add_argument("--formats", metavar="LIST",
                   help="formats to write, joined by commas: keras, savedmodel, onnx, litert "
                        "(default: every one that can be made; the keras file is always "
                        "written)")
    e.add_argument("--json", action="store_true", help="print a JSON summary")


def cmd_predict(args) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.use.prediction_job import predict_to_csv

    summary = predict_to_csv(args.dir, args.file, args.out, run_id=args.run,
                             progress=(lambda _e: None) if args.json else EventPrinter())
    if args.json:
        print(json.dumps({k: v for k, v in summary.to_dict().items()
                          if k not in ("preview", "headers", "numeric")}, indent=2))
    else:
        print(summary.sentence())
    return 0


def cmd_export(args) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.use.export_formats import format_name
    from engine.use.model_export import export_model
    from engine.project.project import open_project

    project = open_project(args.dir)
    result = export_model(project, args.to, run_id=args.run, formats=args.formats,
                          progress=(lambda _e: None) if args.json else EventPrinter())
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    run = project.run(args.run or project.chosen_run)
    print(" ".join([text("use.cli_exported", label=run.label, folder=result.folder,
                         files=", ".join(Path(f).name for f in result.files)),
                    *result.notes]))
    for line in result.skipped_lines():
        print(line)
    for check in result.checks:
        print(text("export_formats.check",
                   format=format_name(check['format']), file=check["file"],
                   diff=f"{check['max_difference']:.2g}", rows=check["rows"],
                   verdict=text("export_formats.agrees" if check["agrees"]
                                else "export_formats.differs"),
                   ms=f"{check['ms_per_example']:.3g}", runtime=check["runtime"],
                   keras=f"{check['keras_ms_per_example']:.3g}"))
    return 0
