"""Evidence-chain export: a builder (graph → plain dict) and renderers (json, pdf, docx)."""

from api.export.evidence import build_evidence, finalize
from api.export.render import FORMATS, render

__all__ = ["FORMATS", "build_evidence", "finalize", "render"]
