"""``practica tags DIR FILE``: give the dev mistakes the tags listed in a CSV file (``row`` and
``tags`` columns, as the report's ``error_tags.csv``), then print the tag table
(``engine.diagnosis.error_tag_import``, ``engine.diagnosis.error_tags``)."""

from __future__ import annotations

from engine.core.texts import text


def add_parser(sub) -> None:
    """The ``tags`` subcommand and its options."""
    p = sub.add_parser("tags", help="import tags for the dev mistakes from a CSV file "
                                    "(columns row and tags) and show the tag table")
    p.add_argument("dir", help="the project folder")
    p.add_argument("file", help="a CSV file with a 'row' column (the example's row number) "
                                "and a 'tags' column (tags separated by commas or semicolons)")
    p.add_argument("--replace", action="store_true",
                   help="remove every tag the project holds before importing")


def cmd_tags(args) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.error_tag_import import import_tags
    from engine.diagnosis.error_tags import ceiling_words, tag_table
    from engine.project.project import open_project

    project = open_project(args.dir)
    result = import_tags(project, args.file, replace=args.replace)
    print(text("cli.tags.imported", rows=result.rows, path=args.file, tags=result.tags,
               total=len(project.error_tags)))
    if result.not_shown:
        print(text("cli.tags.not_shown", n=result.not_shown))
    table = tag_table(project)
    for row in table.rows:
        print("  " + text("cli.tags.table", tag=row.tag, count=row.count, reviewed=table.reviewed,
                          share=f"{row.share:.0%}",
                          ceiling=ceiling_words(row.ceiling, table.task).lstrip("-")))
    return 0
