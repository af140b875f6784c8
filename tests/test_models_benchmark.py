"""benchmarks/clv_fit.py at a small size, as CI runs it: a smoke test, never a timing test."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_fit_benchmark_runs_and_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "clv_fit.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "clv_fit.py"),
            "--sizes",
            "3000",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    (size,) = document["results"]
    assert size["customers"] == 3000 and size["orders"] > 3000
    for timing in ("orders_to_value_cold", "summary", "bgnbd_fit", "gamma_gamma_fit", "holdout_check"):
        assert size["navigator_median"][timing] > 0, timing
    assert set(size["fit"]["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert size["fit"]["customer_equity_12m"] > 0
    assert "BG/NBD + Gamma-Gamma" in result.stdout
    if importlib.util.find_spec("lifetimes") is None:  # as in CI: the oracle extra is not installed
        assert "lifetimes_median" not in size and document["cdnow"] is None
        assert "lifetimes is not installed" in result.stdout
    else:
        for timing in ("summary", "bgnbd_fit", "gamma_gamma_fit"):
            assert size["lifetimes_median"][timing] > 0, timing
        assert round(document["cdnow"]["bgnbd"]["r"], 3) == 0.243  # the CDNOW sample, fitted as in the paper
        assert "CDNOW" in result.stdout
