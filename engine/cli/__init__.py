"""The command line: the headless face of Practica, calling the same functions as the GUI.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "final_printer": ("print_final_stats",),
    "main": ("COMMANDS", "warn_about_data"),
    "parser": ("build_parser",),
    "printer": ("EventPrinter", "once_per_fit"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
