"""aiohttp web app: widget + demo page, staff UI and JSON API, health."""
