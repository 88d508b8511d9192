"""Searching an open index: the block evaluator, highlights, research views."""
