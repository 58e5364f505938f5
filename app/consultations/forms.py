"""Forms of consultations."""
