"""ServiceAccount tokens: issue one (TokenRequest), and ask who one belongs to (TokenReview).

The backend authenticates every caller with a TokenReview; the dev cluster and the tests issue
short-lived tokens for the ServiceAccounts the processes run as.
"""

from __future__ import annotations

from typing import Any

from lightkube.models.authentication_v1 import TokenRequestSpec, TokenReviewSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.authentication_v1 import TokenReview
from lightkube.resources.core_v1 import ServiceAccountToken

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import UnavailableError, aconverted


async def create_token(
    kube: Kube, namespace: str, service_account: str, *, seconds: int = 3600
) -> str:
    """Issue a short-lived token for a ServiceAccount through the TokenRequest API."""
    request = ServiceAccountToken(
        metadata=ObjectMeta(name=service_account, namespace=namespace),
        spec=TokenRequestSpec(audiences=[], expirationSeconds=seconds),
    )
    async with aconverted():
        result = await kube._client.create(  # noqa: SLF001 - same module family
            request, service_account, namespace=namespace
        )
    if result.status is None:
        raise UnavailableError(f"TokenRequest for {namespace}/{service_account} returned no token")
    return str(result.status.token)


async def review_token(kube: Kube, token: str) -> Manifest:
    """TokenReview: who does ``token`` belong to (``status.authenticated``, ``status.user``)."""
    review = TokenReview(spec=TokenReviewSpec(token=token))

    async def create() -> Any:  # noqa: ANN401 - lightkube object
        async with aconverted():
            return await kube._client.create(review)  # noqa: SLF001 - same module family

    # a review stores nothing, so repeating it is safe
    result = await kube.retry.run(create) if kube.retry is not None else await create()
    return dict(result.to_dict())
