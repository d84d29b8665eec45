"""The command line explains itself: each command has its own help with an example, options come in any order."""

import pytest

from ddsc.cli import COMMANDS, main
from tests.conftest import ROOT
from tests.fixtures.tiny import tiny


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_has_its_own_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python build.py {command}")  # the command as it is invoked in the repository
    assert COMMANDS[command][2].lower() in out.lower().replace("\n", " ")  # its own description, not a generic text
    assert "python build.py" in out  # an example


def test_helps_differ_between_commands(capsys):
    texts = set()
    for command in COMMANDS:
        main([command, "--help"])
        texts.add(capsys.readouterr().out)
    assert len(texts) == len(COMMANDS)


@pytest.mark.parametrize("argv", [["diff", "--no-verify", "OLD", "--root", "ROOT"], ["diff", "OLD", "--no-verify", "--root", "ROOT"], ["--root", "ROOT", "diff", "OLD", "--no-verify"]])
def test_options_come_in_any_order(argv, tmp_path, capsys):
    package = tiny(tmp_path / "pkg")
    argv = [str(package) if a in ("OLD", "ROOT") else a for a in argv]
    assert main(argv) == 0, capsys.readouterr().err
    assert "things: 0 added, 0 removed, 0 changed" in capsys.readouterr().out


def test_an_unknown_format_is_a_usage_error(capsys):
    assert main(["cite", "--format", "mla", "--root", str(ROOT)]) == 2


def test_help_alone_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python build.py [-h]") and all(command in out for command in COMMANDS)
