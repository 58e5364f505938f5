"""Forms of discussion."""
