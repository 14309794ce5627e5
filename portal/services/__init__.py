"""Kernel services: every write the shared machinery makes (see each module's docstring)."""
