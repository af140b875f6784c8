"""navigator.models stays out of the dashboard's way: no Textual or DuckDB in it, no scipy until a
model is fitted, and nothing of it (nor numpy) on the dashboard's first paint."""

from __future__ import annotations

import subprocess
import sys

MODEL_MODULES = [
    "navigator.models",
    "navigator.models.maximum_likelihood",
    "navigator.models.customer_summary",
    "navigator.models.bgnbd",
    "navigator.models.gamma_gamma",
    "navigator.models.customer_value",
    "navigator.models.simulate",
]


def imported_after(code: str) -> set[str]:
    """The modules loaded (packages and their submodules by full name) after running `code` in a
    fresh interpreter."""
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    names = set(result.stdout.split())
    return names | {name.split(".")[0] for name in names}


def test_importing_the_models_loads_no_scipy_textual_or_duckdb() -> None:
    loaded = imported_after("\n".join(f"import {name}" for name in MODEL_MODULES))
    assert loaded.isdisjoint({"scipy", "textual", "duckdb", "pandas", "lifetimes"}), loaded


def test_the_package_loads_a_module_only_when_a_name_is_used() -> None:
    loaded = imported_after("import navigator.models")
    assert "numpy" not in loaded and "polars" not in loaded
    code = (
        "from navigator.models import fit_bgnbd\n"
        "from navigator.models.simulate import simulate_summary\n"
        "import numpy as np\n"
        "T = np.full(1500, 60.0)\n"
        "x, t_x = simulate_summary(T, r=0.5, alpha=4.0, a=0.8, b=2.5, rng=np.random.default_rng(1))\n"
        "assert fit_bgnbd(x, t_x, T).r > 0\n"
    )
    assert "scipy" in imported_after(code)  # and a fit works, with scipy loaded only then


def test_the_dashboard_loads_neither_the_models_nor_numpy() -> None:
    """The app, its panels and the CLI import nothing of navigator.models: the first paint must
    not pay for numpy (~0.1 s) or scipy (~0.5 s). A panel that shows model figures imports them
    inside its worker."""
    code = (
        "import navigator.cli, navigator.ui.app, navigator.boardpack, navigator.data.report\n"
        "from navigator.panels import PANEL_CLASSES\n"
    )
    loaded = imported_after(code)
    assert "navigator.ui.app" in loaded
    assert not {name for name in loaded if name.startswith("navigator.models")}
    assert loaded.isdisjoint({"numpy", "scipy"})
