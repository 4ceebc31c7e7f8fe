"""Repair Portal: customer tracking portal and staff back office for repair shops."""
