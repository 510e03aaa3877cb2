"""factory-boy factories shared by the suite. Each app adds a module here (tests/factories/<app>.py)."""
