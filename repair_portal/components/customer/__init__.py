"""Pieces of the staff customer pages."""
