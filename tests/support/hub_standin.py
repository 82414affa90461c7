"""A local stand-in of the Hugging Face Hub (NOT the Hub): the few endpoints a download uses.

The real ``huggingface_hub`` client is pointed at it (``endpoint=``): model info, the file tree,
and ``resolve`` (HEAD and GET) with the headers the client reads (``X-Repo-Commit``, ``ETag``,
``Content-Length``), and the Hub's error convention (``X-Error-Code: RepoNotFound`` /
``GatedRepo``).  Runs in a thread on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse


@dataclass
class Repo:
    """A model repository: its files, and optionally sizes the metadata claims instead."""

    files: dict[str, bytes]
    sha: str = "0123456789abcdef0123456789abcdef01234567"
    gated: bool = False
    claimed_sizes: dict[str, int] = field(default_factory=dict)

    def size(self, name: str) -> int:
        return self.claimed_sizes.get(name, len(self.files[name]))


class _Handler(BaseHTTPRequestHandler):
    repos: dict[str, Repo] = {}  # noqa: RUF012 - replaced per server by a subclass
    requests: list[str] = []  # noqa: RUF012

    def log_message(self, *_: object) -> None:
        """Quiet: the tests read :attr:`requests` instead."""

    def _send(self, code: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(code)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: object) -> None:
        self._send(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _error(self, code: int, error_code: str) -> None:
        body = json.dumps({"error": error_code}).encode()
        self._send(code, body, {"Content-Type": "application/json", "X-Error-Code": error_code})

    def _repo(self, repo_id: str) -> Repo | None:
        repo = self.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound")
            return None
        if repo.gated:
            self._error(401, "GatedRepo")
            return None
        return repo

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = unquote(urlparse(self.path).path)
        self.requests.append(f"{self.command} {path}")
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "models"]:
            repo_id = "/".join(parts[2:4])
            repo = self._repo(repo_id)
            if repo is None:
                return
            if len(parts) > 4 and parts[4] == "tree":
                self._json(
                    [
                        {"type": "file", "path": n, "size": repo.size(n), "oid": _oid(d)}
                        for n, d in repo.files.items()
                    ]
                )
                return
            siblings = [
                {"rfilename": n, "size": repo.size(n), "blobId": _oid(d)}
                for n, d in repo.files.items()
            ]
            self._json({"id": repo_id, "modelId": repo_id, "sha": repo.sha, "siblings": siblings})
            return
        if len(parts) >= 5 and parts[2] == "resolve":
            repo = self._repo("/".join(parts[:2]))
            if repo is None:
                return
            name = "/".join(parts[4:])
            if name not in repo.files:
                self._error(404, "EntryNotFound")
                return
            data = repo.files[name]
            headers = {"X-Repo-Commit": repo.sha, "ETag": f'"{_oid(data)}"'}
            self._send(200, data, headers)
            return
        self._error(404, "RepoNotFound")


def _oid(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@contextmanager
def hub_standin(repos: dict[str, Repo]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``repos``; yields the endpoint URL and the list of requests it received."""
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"repos": repos, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
