"""One route table with named routes."""

from aiohttp import web

from bot.web.views import demo, health


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", health.health, name="health")
    app.router.add_get("/", demo.demo_page, name="demo")
