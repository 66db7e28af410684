"""The spec pipeline: extract vendor pages, apply our overlay, merge, lint, generate."""
