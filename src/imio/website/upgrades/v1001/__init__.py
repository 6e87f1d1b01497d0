"""1001: the commune home page as the site's view; procedures shown on it."""
