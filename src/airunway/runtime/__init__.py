"""What every long-running AI Runway process shares.

The work queue, Lease leader election, health and metrics endpoints, and Kubernetes Events: the
core controller and each provider controller are built from these, so they behave alike under
failure.
"""
