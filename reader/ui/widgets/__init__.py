"""The newsroom's own widgets."""
