"""Main module of a deployed Python function (a Python Worker in the dispatch namespace; the
`python_workers` compatibility flag). Its `Default` entrypoint turns the request into the same
input the TypeScript handler gets and calls the creator's module through claw_entry; a creator
module with its own `Default(WorkerEntrypoint)` (or `on_fetch`) gets the request as is.
Packages vendored from requirements.txt are modules under python_modules/ beside this one.
Generated per API: CREATOR_MODULE names the creator's module."""

import inspect
import json
import os
import sys
from urllib.parse import parse_qsl, urlparse

from workers import Response, WorkerEntrypoint

import claw_entry

CREATOR_MODULE = "__CREATOR_MODULE__"

# After the creator's own modules and the standard library: a vendored package shadows neither.
_VENDORED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_modules")
if _VENDORED not in sys.path:
    sys.path.append(_VENDORED)


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        form = claw_entry.form(CREATOR_MODULE)
        module = claw_entry.creator(CREATOR_MODULE)
        if form == "entrypoint":
            return await _awaited(module.Default(self.ctx, self.env).fetch(request))
        if form == "on_fetch":
            return await _awaited(module.on_fetch(request, self.env))
        return await _handler(request, self.env)


async def _awaited(value):
    return await value if inspect.isawaitable(value) else value


async def _handler(request, env):
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
                return Response(json.dumps(error), status=400, headers={"content-type": "application/json"})
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
    return Response(answer["body"], status=answer["status"], headers=answer["headers"])
