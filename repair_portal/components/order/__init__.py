"""The staff order page, one module per card."""
