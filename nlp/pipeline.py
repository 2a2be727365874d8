"""Build the spaCy pipeline from `nlp/config.cfg` (offline; no model download)."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the factories)

CONFIG_PATH = Path(__file__).parent / "config.cfg"


MODES = {
    # name: (LAC spans, domain rules, rule TIME, gazetteers)
    "full": (True, True, True, True),
    "rules": (False, True, True, True),
    "lac": (True, False, False, False),
}


def load_pipeline(mode: str = "full", config_path: str | Path | None = None) -> Language:
    """Load the pipeline.

    mode "full": everything; "rules": LAC's own PER/ORG/LOC/TIME spans left out
    (LAC segmentation still feeds the company/address rules); "lac": the
    baseline — LAC spans + identifier regexes + adjacent LOC pieces merged.
    """
    use_model, use_rules, times, gazetteers = MODES[mode]
    config = spacy.util.load_config(config_path or CONFIG_PATH)
    config["components"]["eco_domain"]["use_model"] = use_model
    config["components"]["eco_domain"]["use_rules"] = use_rules
    config["components"]["eco_identifiers"]["times"] = times
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if not gazetteers:
        nlp.remove_pipe("eco_gazetteer")
    return nlp
