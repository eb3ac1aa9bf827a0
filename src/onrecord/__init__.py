"""onrecord: who said what, when, about what — and whether it changed."""

from typing import TYPE_CHECKING, Any

from onrecord.records import Article, Document, Skip, Span, Speaker, Statement
from onrecord.stance.report import stance  # the function: it shadows the package of the same name

if TYPE_CHECKING:
    from onrecord.extraction import extract

__all__ = ["Article", "Document", "Skip", "Span", "Speaker", "Statement", "extract", "stance"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`extract` loads spaCy: imported on first use, so that a command that extracts nothing (a search,
    a merge, a rerun of a finished batch) starts without it."""
    if name == "extract":
        from onrecord.extraction import extract

        return extract
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
