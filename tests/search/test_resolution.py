"""Corpus-level entity resolution over (key, label, name, mentions) groups: each error class
with its own invented examples (none from the issue, none from the held-out news)."""

from __future__ import annotations

from search.analysis.names import entity_key
from search.resolution import Resolution, ResolvedEntity, resolve


def groups(*rows: tuple[str, str, int]) -> list[tuple[str, str, str, int]]:
    """(name, label, mentions) -> the catalog's groups, keyed as analysis keys them."""
    return [(entity_key(name), label, name, count) for name, label, count in rows]


def entity(resolution: Resolution, name: str) -> ResolvedEntity:
    found = resolution.entity_of(entity_key(name))
    assert found is not None, name
    return found


def test_middle_initials_and_titles_join_one_person() -> None:
    resolved = resolve(
        groups(
            ("Marta Olsen", "PERSON", 40),
            ("Marta K. Olsen", "PERSON", 12),
            ("Dr Marta Olsen", "PERSON", 3),
        )
    )
    marta = entity(resolved, "Marta Olsen")
    assert entity(resolved, "Marta K. Olsen") is marta
    assert entity(resolved, "Dr Marta Olsen") is marta
    assert marta.count == 55
    assert marta.name == "Marta Olsen"


def test_two_different_middles_stay_apart_and_the_bare_name_joins_neither_when_even() -> None:
    resolved = resolve(
        groups(
            ("Piet R. Vos", "PERSON", 20),
            ("Piet H. R. Vos", "PERSON", 18),
            ("Piet Vos", "PERSON", 10),
        )
    )
    assert entity(resolved, "Piet R. Vos") is not entity(resolved, "Piet H. R. Vos")
    assert entity(resolved, "Piet Vos").keys == {entity_key("Piet Vos")}


def test_junior_never_joins_the_father() -> None:
    resolved = resolve(
        groups(("Ray Dunmore", "PERSON", 50), ("Ray Dunmore Jr.", "PERSON", 30))
    )
    assert entity(resolved, "Ray Dunmore") is not entity(resolved, "Ray Dunmore Jr.")


def test_a_bare_surname_joins_the_one_dominant_person() -> None:
    resolved = resolve(
        groups(
            ("Ilse Brandauer", "PERSON", 200),
            ("Ilse Brandauer Jr.", "PERSON", 2),
            ("Brandauer", "PERSON", 30),
        )
    )
    assert entity(resolved, "Brandauer") is entity(resolved, "Ilse Brandauer")
    assert entity(resolved, "Brandauer") is not entity(resolved, "Ilse Brandauer Jr.")


def test_a_surname_two_people_share_stays_its_own_ambiguous_entity() -> None:
    resolved = resolve(
        groups(
            ("Hugo Marchetti", "PERSON", 120),
            ("Clara Marchetti", "PERSON", 40),
            ("Marchetti", "PERSON", 25),
        )
    )
    alone = entity(resolved, "Marchetti")
    assert alone.keys == {"marchetti"}
    assert alone is not entity(resolved, "Hugo Marchetti")
    assert alone is not entity(resolved, "Clara Marchetti")


def test_a_first_name_of_others_is_not_taken_for_a_surname() -> None:
    resolved = resolve(
        groups(
            ("Tom Wills", "PERSON", 60),
            ("Wills Harmon", "PERSON", 30),
            ("Wills", "PERSON", 20),
        )
    )
    assert entity(resolved, "Wills").keys == {"wills"}


def test_labels_are_voted_by_every_mention_and_disputes_marked() -> None:
    resolved = resolve(
        [
            ("quorvex", "ORG", "Quorvex", 30),
            ("quorvex", "PERSON", "Quorvex", 10),
            ("tellmark", "ORG", "Tellmark", 30),
            ("tellmark", "PERSON", "Tellmark", 2),
        ]
    )
    quorvex = entity(resolved, "Quorvex")
    assert quorvex.label == "ORG"
    assert quorvex.disputed
    assert quorvex.votes == (("ORG", 30), ("PERSON", 10))
    tellmark = entity(resolved, "Tellmark")
    assert tellmark.label == "ORG" and not tellmark.disputed and tellmark.votes == ()


def test_a_surname_mostly_a_place_does_not_join_a_person() -> None:
    resolved = resolve(
        [
            *groups(("Nils Carver", "PERSON", 40)),
            ("carver", "GPE", "Carver", 50),
            ("carver", "PERSON", "Carver", 5),
        ]
    )
    assert entity(resolved, "Carver").label == "GPE"
    assert entity(resolved, "Carver") is not entity(resolved, "Nils Carver")


def test_the_fullest_common_form_names_a_person() -> None:
    resolved = resolve(groups(("Mr Osei", "PERSON", 9), ("Kofi Osei", "PERSON", 4)))
    osei = entity(resolved, "Mr Osei")
    assert osei is entity(resolved, "Kofi Osei")
    assert osei.name == "Kofi Osei"
    assert osei.key == "kofiosei"
