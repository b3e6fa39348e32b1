"""NoteLens core: all product logic lives here (no Streamlit imports except core.resources)."""
