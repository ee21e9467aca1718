"""Domain operations: keyword-only functions taking a Session first and raising LegisError."""

# Every session records the writes that change a draft's figures (see figure_stamps) and
# keeps its counts (figure_counts).
from legis.services import figure_counts as _figure_counts  # noqa: F401
from legis.services import figure_stamps as _figure_stamps  # noqa: F401
