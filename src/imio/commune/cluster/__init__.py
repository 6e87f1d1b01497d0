"""Running several instances on a shared storage behind a load balancer.

Used by `make cluster` (``python -m imio.commune.cluster``) and by the
scale-out tests, which start the same processes.
"""
