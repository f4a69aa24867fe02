import pytest

from engine.split.datasets import split_frame
from engine.core.errors import VaultLockedError
from engine.project.project import open_project
from engine.project.vault import open_vault, record_evaluation


def test_test_rows_are_locked_until_the_vault_opens(split_project):
    with pytest.raises(VaultLockedError, match="vault"):
        split_frame(split_project, "test")
    with pytest.raises(VaultLockedError):
        record_evaluation(split_project, "r1")
    assert len(split_frame(split_project, "dev")) > 0
    open_vault(split_project, reason="final test")
    split_project.save()
    test = split_frame(split_project, "test")
    assert len(test) == split_project.split.sizes["test"]
    again = open_project(split_project.root)
    assert again.vault_open
    opened = [d for d in again.decisions if d.kind == "vault_opened"]
    assert len(opened) == 1 and opened[0].time == again.vault.opened_at


def test_opening_twice_keeps_the_first_record(split_project):
    open_vault(split_project)
    first = split_project.vault.opened_at
    record_evaluation(split_project, "r1", value=0.5)
    open_vault(split_project)
    assert split_project.vault.opened_at == first
    assert len(split_project.vault.evaluations) == 1
    assert sum(d.kind == "vault_opened" for d in split_project.decisions) == 1
