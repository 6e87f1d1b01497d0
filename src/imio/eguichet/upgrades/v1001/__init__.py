"""1001: the back office's role and the dashboard and export permissions."""
