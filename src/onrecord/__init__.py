"""onrecord: who said what, when, about what — and whether it changed."""

from onrecord.extraction import extract
from onrecord.records import Article, Document, Skip, Span, Speaker, Statement

__all__ = ["Article", "Document", "Skip", "Span", "Speaker", "Statement", "extract"]
__version__ = "0.1.0"
