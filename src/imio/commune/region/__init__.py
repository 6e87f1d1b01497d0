"""The regional agenda: events and news gathered from the fleet's communes."""
