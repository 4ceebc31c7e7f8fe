"""The customer portal's views, composed by short pages in pages/portal/."""
