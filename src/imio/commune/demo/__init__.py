"""Demo content that shows a newcomer a living commune site."""
