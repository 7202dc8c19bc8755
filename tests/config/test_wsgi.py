"""What a served worker settles at start-up (config/wsgi.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import config.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "views_loaded": "orders.api.management" in sys.modules,
}))
"""


def test_a_worker_loads_every_view_and_keeps_its_start_up_heap_out_of_collections():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("TALLY_SECRET_KEY", "test-only-key")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state["views_loaded"]
    # the models, URL patterns and views built at start-up: far more than a request allocates
    assert state["frozen"] > 50_000
