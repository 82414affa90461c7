"""Root of the ``airunway`` command; each area adds itself as a typer sub-app."""

from __future__ import annotations

import typer

from airunway.cli import backend, controller, dev, model, provider, sim

app = typer.Typer(
    name="airunway",
    help="AI Runway: deploy and run LLM inference on Kubernetes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(dev.app, name="dev")
app.add_typer(controller.app, name="controller")
app.add_typer(provider.app, name="provider")
app.add_typer(sim.app, name="sim")
app.add_typer(model.app, name="model")
app.add_typer(backend.app, name="backend")


if __name__ == "__main__":  # pragma: no cover
    app()
