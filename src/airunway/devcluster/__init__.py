"""A real local Kubernetes control plane with simulated GPU nodes, for tests and the playground.

Built from source through the Go module proxy (:mod:`.build`), started and stopped as plain
processes (:mod:`.cluster`), with nodes from profile files (:mod:`.nodes`).  See
``docs/adr/0001-local-control-plane.md`` for why it is shaped this way.
"""
