"""onrecord: who said what, when, about what — and whether it changed."""

from typing import TYPE_CHECKING, Any

from onrecord.records import Article, Document, Skip, Span, Speaker, Statement

if TYPE_CHECKING:
    from onrecord.extraction import extract
    from onrecord.stance.report import stance

__all__ = ["Article", "Document", "Skip", "Span", "Speaker", "Statement", "extract", "stance"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`extract` and `stance` load spaCy and the encoder's runtime: imported on first use, so that a
    command that needs neither (a rerun of a finished batch, a merge, a search) starts without them."""
    if name == "extract":
        from onrecord.extraction import extract

        return extract
    if name == "stance":
        from onrecord.stance.report import stance

        return stance
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
