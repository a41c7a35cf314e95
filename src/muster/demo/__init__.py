"""The demo world: a fictional, deterministic organisation, registry and call for lists.

`world` and `script` generate it (pure, no I/O); `build` loads it through the services.
"""
