"""Model dimensions from config.json, against a local Hugging Face stand-in, and the estimate."""

from __future__ import annotations

from airunway.backend.schemas.capacity import NodePool
from airunway.backend.services import gpus, throughput
from airunway.backend.services.hf_config import ArchCache, arch_from_config, valid_repo_id
from tests.support.hf_standin import LLAMA_8B_CONFIG, hf_standin


def test_repo_ids() -> None:
    assert valid_repo_id("meta-llama/Llama-3.1-8B")
    assert valid_repo_id("gpt2")
    assert not valid_repo_id("a/b/c")
    assert not valid_repo_id("../etc")
    assert not valid_repo_id("org/..")
    assert not valid_repo_id("org/name with space")


def test_dimensions_top_level_and_nested() -> None:
    arch, positions = arch_from_config(LLAMA_8B_CONFIG)
    assert arch == gpus.Arch(layers=32, kv_heads=8, head_dim=128)
    assert positions == 131072
    nested, _ = arch_from_config({"text_config": {**LLAMA_8B_CONFIG, "head_dim": 256}})
    assert nested == gpus.Arch(32, 8, 256)
    assert arch_from_config({"architectures": ["X"]}) == (None, None)


async def test_lookup_through_the_stand_in_with_the_token() -> None:
    with hf_standin({"org/llama": LLAMA_8B_CONFIG}) as hub:
        cache = ArchCache(hub.url)
        arch, positions = await cache.lookup("org/llama", "hf_secret")
        assert arch == gpus.Arch(32, 8, 128)
        assert positions == 131072
        assert hub.authorizations == ["Bearer hf_secret"]
        await cache.lookup("org/llama", "hf_secret")  # cached: no second request
        assert len(hub.authorizations) == 1
        assert await cache.lookup("org/missing", None) == (None, None)
        assert await cache.lookup("../../etc/passwd", None) == (None, None)
        assert len(hub.authorizations) == 2  # the invalid id was never requested


def test_estimate_with_architecture() -> None:
    pools = [NodePool(name="h100", gpu_count=8, node_count=1, available_gpus=8, gpu_model="H100")]
    est = throughput.estimate(
        pools,
        param_count=8e9,
        context_len=8192,
        quantization=None,
        kv_cache_dtype=None,
        gpu_model=None,
        tp_size=None,
        arch=gpus.Arch(32, 8, 128),
    )
    budget = 80 * 2**30 - 8e9 * 2 - 5 * 2**30
    per_sequence = 8192 * 2 * 32 * 8 * 128 * 2
    assert est.concurrent_sequences == int(budget // per_sequence)
    assert est.aggregate_tokens_per_sec == round(est.concurrent_sequences * 3350e9 / 16e9 * 0.8)
    assert est.low_confidence is False
    assert est.does_not_fit is False
