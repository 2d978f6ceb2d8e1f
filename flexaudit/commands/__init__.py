"""The bodies of the CLI commands: each returns the process exit code."""
