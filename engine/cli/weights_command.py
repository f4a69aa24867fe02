"""``practica weights``: the pretrained picture networks and whether their weights are here;
``practica weights get NAME`` downloads a network's weights (``engine.models.pretrained
.download``), ``practica weights add NAME FILE`` copies a file the user has, after the same
checksum check (``engine.models.pretrained.install``)."""

from __future__ import annotations

from engine.core.errors import WeightsError
from engine.core.texts import text


def add_parser(sub) -> None:
    """The ``weights`` subcommand and its options."""
    p = sub.add_parser("weights", help="list the pretrained picture networks, download their "
                                       "weights (get) or add a weights file you have (add)")
    p.add_argument("action", nargs="?", choices=("get", "add"),
                   help="get: download NAME's weights; add: copy FILE as NAME's weights "
                        "(without an action: list the networks)")
    p.add_argument("name", nargs="?", help="the network, e.g. MobileNetV3Small")
    p.add_argument("file", nargs="?", help="for add: the weights file you have")
    p.add_argument("--size", type=int, default=None, metavar="PIXELS",
                   help="the picture size the weights are for (MobileNet and MobileNetV2 have "
                        "one file per size; default 224)")


def cmd_weights(args) -> int:
    # Imported here to keep urllib's HTTP client out of start-up.
    from engine.models.pretrained.download import fetch_weights
    from engine.models.pretrained.install import add_weights_file

    side = (args.size, args.size) if args.size else None
    if args.action is None:
        return _list(side)
    if not args.name:
        raise WeightsError(text("cli.weights.which"))
    if args.action == "get":
        result = fetch_weights(args.name, side, progress=_Tenths())
    else:
        if not args.file:
            raise WeightsError(text("cli.weights.which_file", name=args.name))
        result = add_weights_file(args.name, args.file, side)
    print(text("cli.weights.placed", name=result["name"], path=result["path"],
               size=_mb(result["bytes"])))
    return 0


def _list(side) -> int:
    # Imported here to keep hashlib's file reading out of start-up.
    from engine.models.pretrained.install import weights_status
    from engine.models.backbones import cache_folders

    print(text("cli.weights.heading", folder=cache_folders()[0]))
    for row in weights_status(side):
        # text keys: cli.weights.check_md5, cli.weights.check_sha256, cli.weights.check_
        check = text(f"cli.weights.check_{row['algorithm']}")
        here = (text("cli.weights.here", size=_mb(row["bytes"])) if row["path"]
                else text("cli.weights.missing"))
        print(f"  {row['name']:<17} {here:<20} {check}")
    print(text("cli.weights.how"))
    return 0


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


class _Tenths:
    """Prints the download's progress once per tenth of the file."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, event) -> None:
        total, done = getattr(event, "total", 0), getattr(event, "done", 0)
        tenth = int(10 * done / total) if total else -1
        if tenth != self.shown:
            self.shown = tenth
            print(f"- {event.text}", flush=True)
