"""Capuchin tui."""
