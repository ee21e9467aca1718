"""Domain operations: keyword-only functions taking a Session first and raising LegisError."""

# Every session keeps the counts of the drafts' figures it changes (see figure_counts).
from legis.services import figure_counts as _figure_counts  # noqa: F401
