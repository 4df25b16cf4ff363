"""Microsoft 365 (Microsoft Graph) live collector."""
