"""402claw's Python function entry, shared by production (a Python Worker) and the local stand-in
(CPython from the pyodide npm package inside workerd). It finds the creator's entry, one of:
- `def handler(input)` (sync or async), given the same input as the TypeScript handler (method,
  path, query, body, slug, env);
- the standard Python Worker entry: `class Default(WorkerEntrypoint)` with `async def fetch(self,
  request)` (`from workers import WorkerEntrypoint, Response`), reading secrets from `self.env`;
- the older module-level `async def on_fetch(request, env)`.

A handler returns a dict or list (sent as JSON), a str (text/plain), None (204), or a tuple
`(body, status)` / `(body, status, headers)` where body is any of those.
"""

import importlib
import inspect
import json

NO_FORM = (
    "the Python module defines none of the supported entries. Fix: define "
    "`def handler(input):` (or `async def handler(input):`) returning a dict, list or str, "
    "or the standard Python Worker entry `class Default(WorkerEntrypoint):` with "
    "`async def fetch(self, request):` (from workers import WorkerEntrypoint, Response)"
)

_creator = None


def creator(module_name):
    """The creator's module, imported once per isolate (per version, locally)."""
    global _creator
    if _creator is None:
        _creator = importlib.import_module(module_name)
    return _creator


def form(module_name):
    """The creator module's entry: "handler", "entrypoint" (class Default), "on_fetch", or raises with the fix."""
    module = creator(module_name)
    if callable(getattr(module, "handler", None)):
        return "handler"
    default = getattr(module, "Default", None)
    if inspect.isclass(default) and callable(getattr(default, "fetch", None)):
        return "entrypoint"
    if callable(getattr(module, "on_fetch", None)):
        return "on_fetch"
    raise TypeError(NO_FORM)


async def handle(module_name, input_json):
    """Runs the handler on the JSON input; returns the response as JSON: status, headers, body."""
    handler = creator(module_name).handler
    result = handler(json.loads(input_json))
    if inspect.isawaitable(result):
        result = await result
    status, headers = 200, {}
    if isinstance(result, tuple):
        if len(result) not in (2, 3):
            raise TypeError("a handler's tuple is (body, status) or (body, status, headers)")
        headers = {str(k).lower(): str(v) for k, v in dict(result[2]).items()} if len(result) == 3 else {}
        result, status = result[0], int(result[1])
    return json.dumps(_response(result, status, headers))


def _response(body, status, headers):
    if body is None:
        return {"status": 204 if status == 200 else status, "headers": headers, "body": None}
    if isinstance(body, str):
        headers.setdefault("content-type", "text/plain; charset=utf-8")
        return {"status": status, "headers": headers, "body": body}
    if isinstance(body, (bytes, bytearray)):
        raise TypeError("return text, a dict or a list (bytes are not supported)")
    headers.setdefault("content-type", "application/json")
    return {"status": status, "headers": headers, "body": json.dumps(body)}
