"""Domain rules as plain functions `fn(session, ...)`. No Reflex imports here."""
