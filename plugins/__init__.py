"""Built-in plugins, one package each, registered exactly like third-party ones."""
