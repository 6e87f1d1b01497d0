"""Cross-package tests: acceptance in the browser, the instance, the fleet."""
