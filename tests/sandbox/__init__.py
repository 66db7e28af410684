"""Tests of ``ailab sandbox``, the offline stand-in for the API (wrapper/ailab/sandbox)."""
