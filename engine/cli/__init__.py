"""The command line: the headless face of Practica, calling the same functions as the GUI."""
