"""Unit tests of the spec pipeline and the merged spec."""
