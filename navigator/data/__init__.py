"""Data access and metrics: DuckDB and Polars only. Nothing here may import Textual."""
