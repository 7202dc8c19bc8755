"""``check --deploy`` warns about ``TALLY_WEBHOOK_ALLOW_PRIVATE=1`` outside debug mode."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

WARNING = "webhooks.W001"


def deploy_check_ids() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True)}


@pytest.mark.parametrize(
    ("allow_private", "debug", "warned"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_allowing_private_addresses_without_debug_is_a_deploy_warning(
    settings, allow_private, debug, warned
):
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = allow_private
    settings.DEBUG = debug
    assert (WARNING in deploy_check_ids()) is warned
    # a plain ``check`` (every manage.py command, ``make run``) stays quiet
    assert WARNING not in {m.id for m in run_checks()}
