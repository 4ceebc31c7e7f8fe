"""Reusable UI pieces and page layouts."""
