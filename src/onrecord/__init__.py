"""onrecord: who said what, when, about what — and whether it changed."""

from onrecord.extraction import extract
from onrecord.records import Article, Document, Skip, Span, Speaker, Statement
from onrecord.stance.report import stance

__all__ = ["Article", "Document", "Skip", "Span", "Speaker", "Statement", "extract", "stance"]
__version__ = "0.1.0"
