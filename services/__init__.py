"""The services of the accelerator programme, each a pure domain with a thin handler layer."""
