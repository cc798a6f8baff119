"""The text helpers: folding for search and the key that matches people by name."""

import pytest

from explorer.text import fold, person_key


def test_fold_drops_case_and_accents():
    assert fold("Café Été") == "cafe ete"


@pytest.mark.parametrize(
    "spelling",
    [
        "Élodie Martin",
        "elodie martin",
        "  ELODIE   Martin ",
        "Dr. Élodie Martin",
        "Prof Elodie Martin",
    ],
)
def test_spellings_of_one_name_share_a_key(spelling):
    assert person_key(spelling) == "elodie martin"


def test_different_people_keep_different_keys():
    assert person_key("Ada Lovelace") != person_key("Ada Lovelaces")
    # A given name that is also a title elsewhere is kept.
    assert person_key("Dean Smith") == "dean smith"


def test_an_honorific_alone_is_kept_as_the_name():
    assert person_key("Dr.") == "dr"
