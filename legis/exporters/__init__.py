"""Report writers: take plain data (exporters.model) and return bytes; no database, no web."""
