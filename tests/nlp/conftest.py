import pytest


@pytest.fixture(scope="session")
def extract():
    from nlp import extract_texts

    return extract_texts


def ents_of(extraction, label=None):
    return [(e.text, e.label) for e in extraction.entities if label is None or e.label == label]
