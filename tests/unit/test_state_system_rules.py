"""The state_systems and countries steps' readers and rules on tiny lists written here."""

from datetime import date

import pytest

from ddsc.steps import state_systems as S


def _spell(system, code, abb, start="1816-01-01", end="2020-12-31", name=None):
    return S.Spell(system, code, abb, name or abb, date.fromisoformat(start), date.fromisoformat(end), None if system == "cow" else False, "c")


def test_a_gw_state_whose_cow_twin_has_no_country_either_is_named_with_it():
    with pytest.raises(ValueError, match="states to curate") as err:
        S.state_countries([_spell("cow", 260, "GFR"), _spell("gw", 260, "GFR")], {}, [])
    assert "cow 260 'GFR': no country" in str(err.value) and "gw 260 'GFR': no country" in str(err.value)
