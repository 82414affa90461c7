"""``airunway dev``: the local control plane and the playground.

Errors of the dev cluster are printed as their one-line message with exit code 1, never as a
traceback: the message already names the step and the log file.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import typer

from airunway.devcluster.build import COMPONENTS, Builder
from airunway.devcluster.cluster import ClusterStatus, DevCluster
from airunway.devcluster.errors import DevClusterError
from airunway.devcluster.nodes import profile_names
from airunway.devcluster.services import start_playground_services

app = typer.Typer(help="Local development: control plane and playground.", no_args_is_help=True)
cluster_app = typer.Typer(help="The local Kubernetes control plane.", no_args_is_help=True)
app.add_typer(cluster_app, name="cluster")

T = TypeVar("T")

NAME = typer.Option("airunway", "--name", "-n", help="Cluster name (several can run at once).")
PROFILE = typer.Option("default", "--profile", "-p", help="Node profile name or YAML file path.")


def _run(coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
    try:
        return asyncio.run(coro())
    except DevClusterError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


def _print_status(status: ClusterStatus) -> None:
    if not status.exists:
        typer.echo(f"cluster '{status.name}': not running")
        return
    state = "healthy" if status.healthy else "DEGRADED"
    typer.echo(f"cluster '{status.name}': {state}  server {status.server}")
    typer.echo(f"kubeconfig: {status.kubeconfig}")
    for c in status.components:
        mark = "running" if c.running else "DEAD"
        typer.echo(f"  {c.name:<24} {mark:<8} pid {c.pid:<8} log {c.log}")


@app.command("build")
def build() -> None:
    """Build the control-plane binaries from the Go module proxy (reused when present)."""
    builder = Builder()
    try:
        for component in COMPONENTS:
            result = builder.ensure(component)
            how = f"built in {result.seconds:.0f}s" if result.built else "cached"
            typer.echo(f"  {component.name:<12} {component.version:<9} {how}  {result.directory}")
        builder.kwok_stages_dir()
    except DevClusterError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


@cluster_app.command("up")
def up(name: str = NAME, profile: str = PROFILE) -> None:
    """Build (first time only) and start the control plane with simulated GPU nodes."""
    cluster = DevCluster(name, profile=profile)
    status = _run(cluster.up)
    _print_status(status)
    typer.echo(f"\nexport KUBECONFIG={cluster.kubeconfig}")


@cluster_app.command("down")
def down(name: str = NAME) -> None:
    """Stop every component and delete the cluster's state."""
    DevCluster(name).down()
    typer.echo(f"cluster '{name}' stopped")


@cluster_app.command("status")
def status(name: str = NAME) -> None:
    """Show each component, whether it runs, and its log file; exit 1 when degraded."""
    st = DevCluster(name).status()
    _print_status(st)
    if st.exists and not st.healthy:
        raise typer.Exit(1)


@cluster_app.command("kubeconfig")
def kubeconfig(name: str = NAME) -> None:
    """Print the path of the admin kubeconfig."""
    cluster = DevCluster(name)
    if not cluster.kubeconfig.is_file():
        typer.secho(f"error: no cluster named '{name}'", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(str(cluster.kubeconfig))


@cluster_app.command("profiles")
def profiles() -> None:
    """List the node profiles shipped with AI Runway."""
    for p in profile_names():
        typer.echo(p)


@app.command("playground")
def playground(name: str = NAME, profile: str = PROFILE) -> None:
    """Start everything and keep it running until Ctrl-C, then stop it cleanly."""
    cluster = DevCluster(name, profile=profile)

    async def main() -> None:
        await cluster.up()
        await start_playground_services(cluster)
        _print_status(cluster.status())
        typer.echo(
            "\nThe playground is up. Try:\n"
            f"  export KUBECONFIG={cluster.kubeconfig}\n"
            "  kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count\n"
            "  kubectl apply -f examples/  # ModelDeployments, validated by the webhook\n"
            "  kubectl get modeldeployments -A\n"
            "  curl http://localhost:3001/api/deployments  # the REST API\n"
            "  open http://localhost:3001                   # the web UI\n"
            "Press Ctrl-C to stop."
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()

    try:
        _run(main)
    finally:
        typer.echo("\nstopping the playground...", err=True)
        cluster.down()
        typer.echo("stopped.", err=True)
    sys.exit(0)
