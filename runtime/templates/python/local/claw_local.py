"""Local only: how the Pyodide host calls the deployed main module, as the Python Workers runtime
does: it constructs claw_worker's `Default` entrypoint with the context and bindings and awaits
its `fetch`; the answer's JavaScript Response goes back to workerd."""

import claw_worker


async def serve(request, env, ctx):
    response = await claw_worker.Default(ctx, env).fetch(request)
    return getattr(response, "js_object", response)
