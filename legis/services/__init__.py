"""Domain operations: keyword-only functions taking a Session first and raising LegisError."""
