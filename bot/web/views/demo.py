from aiohttp import web


async def demo_page(request: web.Request) -> web.Response:
    # Placeholder until the widget issue: a real demo page replaces this.
    lang = "de" if request.query.get("lang") == "de" else "en"
    title = "Expat Service Desk – Assistent" if lang == "de" else "Expat Service Desk – Assistant"
    return web.Response(
        text=f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1></body></html>",
        content_type="text/html",
    )
