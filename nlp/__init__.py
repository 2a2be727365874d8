"""Chinese NER and relation extraction (spaCy pipeline). See nlp/README.md."""
