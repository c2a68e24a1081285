"""HTTP: each partner city's feed (feeds.py); the web app mounts its router (see feeds.py)."""
