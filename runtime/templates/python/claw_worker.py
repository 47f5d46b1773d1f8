"""Main module of a deployed Python function (a Python Worker in the dispatch namespace; the
`python_workers` compatibility flag). It turns the request into the same input the TypeScript
handler gets and calls the creator's module through claw_entry; a module that defines the
standard entry `on_fetch(request, env)` is called with the request as is.
Generated per API: CREATOR_MODULE names the creator's module."""

import json
from urllib.parse import parse_qsl, urlparse

from js import Response, Headers

import claw_entry

CREATOR_MODULE = "__CREATOR_MODULE__"


async def on_fetch(request, env):
    if claw_entry.form(CREATOR_MODULE) == "on_fetch":
        return await claw_entry.creator(CREATOR_MODULE).on_fetch(request, env)
    url = urlparse(request.url)
    text = await request.text()
    body = None
    if text:
        content_type = request.headers.get("content-type") or ""
        if "json" in content_type:
            try:
                body = json.loads(text)
            except ValueError:
                error = {"error": {"code": "invalid_json", "message": "the request body is not valid JSON"}}
                headers = Headers.new([("content-type", "application/json")])
                return Response.new(json.dumps(error), status=400, headers=headers)
        else:
            body = text
    secrets = {name: getattr(env, name) for name in dir(env) if isinstance(getattr(env, name, None), str)}
    payload = {
        "method": request.method,
        "path": url.path,
        "query": dict(parse_qsl(url.query, keep_blank_values=True)),
        "body": body,
        "slug": secrets.get("API_SLUG", ""),
        "env": secrets,
    }
    answer = json.loads(await claw_entry.handle(CREATOR_MODULE, json.dumps(payload)))
    headers = Headers.new(list(answer["headers"].items()))
    return Response.new(answer["body"], status=answer["status"], headers=headers)
