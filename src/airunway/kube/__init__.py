"""The only package that talks to Kubernetes.

Everything else asks this package for reads, watches and server-side applies, and gets our own
exceptions back (:mod:`airunway.kube.errors`) instead of a client library's.  Keeping the client
library behind this one door is what lets a later change swap, cache or shard it.
"""
