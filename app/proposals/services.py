"""Logic of proposals."""
