"""1003: RSS and Atom feeds on every folder, the news folder first."""
