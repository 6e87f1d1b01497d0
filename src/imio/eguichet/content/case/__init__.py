"""The Case content type (Demande)."""
