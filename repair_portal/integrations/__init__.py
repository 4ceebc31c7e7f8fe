"""Thin wrappers around outside libraries and services."""
