"""Modal screens: dialogs and help."""
