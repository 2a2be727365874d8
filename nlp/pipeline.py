"""Build the spaCy pipeline from `nlp/config.cfg` (offline; no model download)."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the factories)

CONFIG_PATH = Path(__file__).parent / "config.cfg"


def load_pipeline(use_model: bool = True, config_path: str | Path | None = None) -> Language:
    """Load the pipeline. `use_model=False` leaves LAC's spans out (rules only; LAC
    segmentation is still used by the company/address rules)."""
    config = spacy.util.load_config(config_path or CONFIG_PATH)
    config["components"]["eco_domain"]["use_model"] = use_model
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
