"""The commune's procedures in CPSV-AP 3.2.0, as JSON-LD and Turtle."""
