"""Reflex state classes: thin wiring between pages and services."""
