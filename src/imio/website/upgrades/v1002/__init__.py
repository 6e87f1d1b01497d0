"""1002: pages, news and events tagged with audiences, life events and topics."""
