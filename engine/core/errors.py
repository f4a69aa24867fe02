"""Errors a user can cause. Their message is one plain line: what is wrong, what to do."""


class PracticaError(Exception):
    """Base for every error the user can cause; the CLI prints it and exits 2."""


class DataError(PracticaError):
    """A data file cannot be read or used as it is."""


class ProjectError(PracticaError):
    """A project folder is missing, damaged or cannot be written."""


class ProjectLockedError(ProjectError):
    """Another program holds the project (one writer at a time)."""


class ProjectChangedError(ProjectError):
    """The project changed on disk after this program read it; saving would lose that."""


class GoalError(PracticaError):
    """The goal (target, metric, constraints) is not usable."""


class VaultLockedError(PracticaError):
    """Something asked for test rows, predictions or metrics while the vault is closed."""


class JobCancelled(Exception):
    """A job stopped because its cancel token was set."""


class MalformedFileError(ProjectError):
    """A file Practica writes (``project.json``, ``splits.json``, ``preprocess.json``, a
    run's or an export's files) holds something Practica never writes: it was edited by
    hand or damaged. Nothing was changed."""


MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError,
             RecursionError)
"""What reading a hand-edited JSON file into Practica's types raises (a missing key, a
text where a number belongs, ``1e400``, a list nested 100,000 deep); where such a file is
read, these become one ``MalformedFileError``."""


class WeightsError(PracticaError):
    """Pretrained weights could not be fetched or added: the network failed, the file's
    checksum is not the published one, or the file does not fit the backbone."""
