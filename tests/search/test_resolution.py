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


def test_a_spouse_named_a_few_times_does_not_keep_the_surname_from_the_dominant_person() -> None:
    resolved = resolve(
        groups(
            ("Anton Vesely", "PERSON", 300),
            ("Marta Vesely", "PERSON", 20),
            ("Vesely", "PERSON", 90),
        )
    )
    assert entity(resolved, "Vesely") is entity(resolved, "Anton Vesely")
    assert entity(resolved, "Marta Vesely") is not entity(resolved, "Anton Vesely")


def test_a_rare_junk_person_starting_with_the_surname_does_not_block_the_join() -> None:
    resolved = resolve(
        groups(
            ("Anton Vesely", "PERSON", 300),
            ("Vesely Headquarters", "PERSON", 6),
            ("Vesely", "PERSON", 90),
        )
    )
    assert entity(resolved, "Vesely") is entity(resolved, "Anton Vesely")


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


# --- through the catalog: what a speaker filter and a list read ---------------------------------


def stored(tmp_path, documents):
    """A catalog holding invented documents: {id: ([(text, label, name)], [(quote, speaker)])}."""
    from pathlib import Path

    from search.analysis.results import DocumentAnalysis, EntityMention, QuoteFound, TextFigures
    from search.catalog import Catalog

    catalog = Catalog(Path(tmp_path) / "catalog.sqlite3")
    results = []
    for doc_id, (mentions, quotes) in documents.items():
        results.append(
            DocumentAnalysis(
                doc_id,
                "digest",
                tuple(
                    EntityMention(i * 10, i * 10 + len(text), text, label, entity_key(name), name)
                    for i, (text, label, name) in enumerate(mentions)
                ),
                tuple(
                    QuoteFound(1000 + i * 50, 1040 + i * 50, text, speaker, entity_key(speaker), "said", 0.9, "PERSON")
                    for i, (text, speaker) in enumerate(quotes)
                ),
                TextFigures(100, 5, 2, 60, 60.0, 8.0),
            )
        )
    catalog.record_analysis(results, "test")
    return catalog


def test_a_speaker_filter_means_the_person_not_his_namesake(tmp_path) -> None:
    from search import aggregates
    from search.curation import apply

    catalog = stored(
        tmp_path,
        {
            "a": ([("Otto Brenner", "PERSON", "Otto Brenner")] * 5, [("We will win.", "Otto Brenner")]),
            "b": (
                [("Otto Brenner Jr.", "PERSON", "Otto Brenner Jr."), ("Otto Brenner", "PERSON", "Otto Brenner Jr.")],
                [("My father is wrong.", "Otto Brenner Jr.")],
            ),
        },
    )
    curated = apply(catalog.resolution(), [])
    father = aggregates.quotes(catalog, curated, "Otto Brenner", aliases=catalog.alias_owners)
    assert [q.text for q in father] == ["We will win."]
    son = aggregates.entities(catalog, curated, "PERSON")
    junior = next(e for e in son if e.name == "Otto Brenner Jr.")
    assert "Otto Brenner" not in junior.aliases


def test_resolution_is_cached_until_analysis_changes(tmp_path) -> None:
    catalog = stored(tmp_path, {"a": ([("Vera Holm", "PERSON", "Vera Holm")], [])})
    first = catalog.resolution()
    assert catalog.resolution() is first
    catalog.forget_documents(["a"])
    assert catalog.resolution() is not first
    assert catalog.resolution().entities == {}
