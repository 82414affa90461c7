"""What the routes do: Kubernetes reads and writes, and the pure rules they apply."""
