"""Pages of a signed-in portal user's account (/portal)."""
