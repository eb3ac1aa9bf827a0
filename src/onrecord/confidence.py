"""The confidence below which a statement is hidden by default (extract, search, export, the pages).

Confidences are calibrated on PolNeAR dev (onrecord.extraction.calibration): among statements at 0.3 or
more about seven in ten are right in the fast mode and two in three by default, and what 0.3 hides is
mostly wrong (attribution F1 on dev rises from 63.7 to 64.3: see the README). A newsroom that wants
fewer, surer statements picks 0.5 (precision 72.9, recall 51.6 on dev). Everything is stored anyway.
"""

from __future__ import annotations

DEFAULT_MIN_CONFIDENCE = 0.3
