from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from airunway.devcluster.nodes import load_profile, node_manifests, profile_names
from airunway.devcluster.pki import ClusterPKI
from airunway.devcluster.ports import free_ports


def test_default_profile_has_the_promised_pools() -> None:
    nodes = node_manifests(load_profile("default"))
    gpus = {n["metadata"]["name"]: n["status"]["capacity"].get("nvidia.com/gpu") for n in nodes}
    assert gpus == {"gpu-h100-0": "8", "gpu-a100-0": "8", "gpu-t4-0": "1", "cpu-0": None}
    t4 = next(n for n in nodes if n["metadata"]["name"] == "gpu-t4-0")
    labels = t4["metadata"]["labels"]
    assert labels["nvidia.com/gpu.count"] == "1"
    assert labels["nvidia.com/gpu.memory"] == "15360"
    assert labels["nvidia.com/gpu.product"] == "Tesla-T4"
    assert all(n["metadata"]["annotations"]["kwok.x-k8s.io/node"] == "fake" for n in nodes)


def test_every_shipped_profile_loads() -> None:
    assert {"default", "minimal", "large"} <= set(profile_names())
    for name in profile_names():
        assert node_manifests(load_profile(name))


def test_profile_from_a_file_and_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("groups:\n  - {name: solo, count: 3}\n")
    names = [n["metadata"]["name"] for n in node_manifests(load_profile(str(path)))]
    assert names == ["solo-0", "solo-1", "solo-2"]
    with pytest.raises(ValueError, match="unknown node profile 'nope'"):
        load_profile("nope")


def test_free_ports_are_distinct() -> None:
    ports = free_ports(20)
    assert len(set(ports)) == 20


def test_pki_issues_certificates_signed_by_the_cluster_ca(tmp_path: Path) -> None:
    pki = ClusterPKI(tmp_path)
    pki.create()
    ca = x509.load_pem_x509_certificate(pki.ca.cert.read_bytes())
    client = pki.client("admin", "kubernetes-admin", ("system:masters",))
    cert = x509.load_pem_x509_certificate(client.cert.read_bytes())
    cert.verify_directly_issued_by(ca)
    orgs = cert.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATION_NAME)
    assert [o.value for o in orgs] == ["system:masters"]
    serving = x509.load_pem_x509_certificate(pki.apiserver.cert.read_bytes())
    san = serving.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "kubernetes.default.svc" in san.get_values_for_type(x509.DNSName)
    assert oct(pki.ca.key.stat().st_mode & 0o777) == "0o600"
