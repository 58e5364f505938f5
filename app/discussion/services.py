"""Logic of discussion."""
