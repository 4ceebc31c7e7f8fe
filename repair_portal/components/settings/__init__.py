"""Pieces of the back office's settings pages."""
