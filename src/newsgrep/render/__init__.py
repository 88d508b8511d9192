"""Renderers: Hit records to terminal text (rich), JSON Lines and CSV."""
