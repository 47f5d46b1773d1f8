"""Local only: a stand-in for the `workers` module of Cloudflare's Python Workers SDK, which the
production runtime provides and the pyodide npm package has not. It covers what a 402claw function
uses: `WorkerEntrypoint` (self.env, self.ctx) and `Response` (body, status, statusText, headers;
`Response.json`). The request a `fetch` gets is the JavaScript Request itself, as in production."""

import json

from js import Headers
from js import Response as _JsResponse
from pyodide.ffi import JsProxy, to_js


class WorkerEntrypoint:
    """Base of an entrypoint class: the runtime constructs it with the context and the bindings."""

    def __init__(self, ctx, env):
        self.ctx = ctx
        self.env = env


class Response:
    """An HTTP response; `js_object` is the JavaScript Response the runtime sends."""

    def __init__(self, body=None, status=200, statusText="", headers=None):
        init = {"status": int(status), "headers": _headers(headers)}
        if statusText:
            init["statusText"] = str(statusText)
        self.js_object = _JsResponse.new(_body(body), **init)

    @classmethod
    def json(cls, data, status=200, statusText="", headers=None):
        merged = _headers(headers)
        if not merged.has("content-type"):
            merged.set("content-type", "application/json")
        return cls(json.dumps(data), status=status, statusText=statusText, headers=merged)

    @property
    def status(self):
        return self.js_object.status

    @property
    def headers(self):
        return self.js_object.headers


def _headers(headers):
    if headers is None:
        return Headers.new()
    if isinstance(headers, JsProxy):
        return Headers.new(headers)
    pairs = headers.items() if isinstance(headers, dict) else headers
    made = Headers.new()
    for name, value in pairs:
        made.append(str(name), str(value))
    return made


def _body(body):
    if body is None or isinstance(body, (str, JsProxy)):
        return body
    if isinstance(body, (bytes, bytearray, memoryview)):
        return to_js(bytes(body))
    raise TypeError("a Response body is text, bytes or None")
