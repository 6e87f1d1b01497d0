"""``GET {service or place}/@opening-hours``: weekly hours and "open now"."""
