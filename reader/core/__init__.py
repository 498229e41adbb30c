"""The headless core: everything but the terminal UI. Never imports textual."""
