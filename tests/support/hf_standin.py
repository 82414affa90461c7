"""A local stand-in for the Hugging Face Hub's file endpoint (no internet in tests).

Serves ``/<repo>/resolve/main/config.json`` from a dict and records the Authorization headers
it saw, so the backend's real HTTP client is exercised against a real server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Llama-3.1-8B-like dimensions (public facts of that architecture).
LLAMA_8B_CONFIG: dict[str, Any] = {
    "architectures": ["LlamaForCausalLM"],
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "hidden_size": 4096,
    "max_position_embeddings": 131072,
}


@dataclass
class HfStandIn:
    """Where the stand-in listens and what it was asked."""

    url: str
    configs: dict[str, dict[str, Any]]
    authorizations: list[str | None] = field(default_factory=list)


@contextmanager
def hf_standin(configs: dict[str, dict[str, Any]]) -> Iterator[HfStandIn]:
    """Run the stand-in on a free loopback port for the duration of the block."""
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            repo = self.path.removesuffix("/resolve/main/config.json").lstrip("/")
            body = configs.get(repo)
            if not self.path.endswith("/resolve/main/config.json") or body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HfStandIn(f"http://127.0.0.1:{server.server_address[1]}", configs, seen)
    finally:
        server.shutdown()
        server.server_close()
