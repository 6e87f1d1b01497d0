"""1001: REST API closed to anonymous users, alerts in ETags, site profile page."""
