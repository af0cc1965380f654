"""What the desk's objects are, without Django: their fields and where each appears, their rules
and the values derived from them. Pure definitions (no models, no database, no settings), so
the services, the API, the pages, the exports and the imports take them from one place, and
each can be read and tested alone. Desk claims and matches join here as they arrive."""
