"""End-to-end benchmark: ModelDeployments to Running, upstream status latency."""
