"""The web layer: parse input, call a service, render a template or redirect."""
