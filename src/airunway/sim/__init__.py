"""Simulators of upstream operators (KAITO, ...) for the playground and the tests.

THESE ARE SIMULATORS, NOT THE REAL OPERATORS.  On a cluster whose nodes are simulated by kwok the
real operators cannot run their inference workloads, so each simulator stands in for one: it
watches that operator's custom resources, creates the workloads the operator would (so the real
scheduler places them by real GPU capacity and kwok runs them), and writes the status the real
operator writes, validated by the operator's real CRD.  Every object a simulator creates carries
the annotation ``sim.airunway.ai/simulator``; ``sim.airunway.ai/fail`` on a custom resource
injects a failure.

Submodules are imported where they are used (``airunway.sim.kaito``, ``airunway.sim.settings``),
so that loading one simulator never pulls in the dependencies of another.
"""
