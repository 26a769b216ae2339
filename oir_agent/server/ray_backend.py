"""Ray Serve backend: `oir-agent serve --backend ray --replicas N [--ray-address ADDR]` (optional extra
`pip install -e .[ray]`).

The MCP front (this process: transports, input checks, admission, output files) stays as it is; the model work
goes to a Ray Serve deployment of N replicas, each holding one OIREditor on one device. Ray Serve routes each
request to a replica (its own `max_ongoing_requests`, queueing and autoscaling; no scheduler of ours).

What travels: the checked EditRequest (image, masks, pairs, config) goes to the replica through Ray's object
store; the EditResult (image and diagnostics) comes back the same way; the front writes the files, so outputs are
written at most once, and only for a finished edit. A replica that dies mid-edit: the front sends the request
once more (Serve routes it to a live replica); if that fails too the caller gets an error naming the failure and
nothing is written. Replicas keep no finished edits (refine_edit needs the replica that made the edit; with
several replicas the front cannot promise it), so results carry no edit_id and refine_edit says why.

Deployed by the front itself, or ahead of time with `serve deploy docs/ray-serve.yaml` (app `oir-agent`, import
path `oir_agent.server.ray_backend:app_builder`) and joined with `--ray-address`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from ..edits import EditStore
from ..errors import Cancelled, InvalidInputError, ResourceError

logger = logging.getLogger("oir_agent.server")

APP_NAME = "oir-agent"
DEPLOYMENT = "EditorReplica"
RETRIES = 1  # a request whose replica died is sent once more


def _require_ray():
    try:
        import ray
        from ray import serve
    except ImportError as exc:
        raise SystemExit("oir-agent serve --backend ray needs Ray Serve: pip install -e '.[ray]' "
                         "(or pip install 'ray[serve]').") from exc
    return ray, serve


class EditorReplica:
    """One Ray Serve replica: one OIREditor on one device (wrapped by serve.deployment in `deployment()`)."""

    def __init__(self, model: str, device: str | None = None, dtype: str | None = None,
                 clip_model: str | None = None):
        from ..editor import OIREditor

        self.editor = OIREditor.from_pretrained(model, device=device, dtype=dtype, clip_model=clip_model,
                                                edit_memory=0)

    async def edit(self, request) -> Any:
        cancel = threading.Event()
        try:
            return await asyncio.to_thread(self.editor.run, request, None, cancel)
        except asyncio.CancelledError:  # the caller cancelled: stop before the next UNet call
            cancel.set()
            raise

    async def find_objects(self, image, phrases: list[str], provider: str) -> Any:
        return await asyncio.to_thread(self.editor.find_objects, image, phrases, provider)


def deployment(replicas: int, device: str | None, cpus_per_replica: float | None = None):
    """The Serve deployment: `replicas` copies, one edit at a time each (max_ongoing_requests=1), requests beyond
    that wait in Serve's queue."""
    ray, serve = _require_ray()
    gpu = device is not None and str(device).startswith("cuda")
    options = {"num_gpus": 1} if gpu else {"num_cpus": cpus_per_replica if cpus_per_replica is not None else 1}
    return serve.deployment(EditorReplica, name=DEPLOYMENT, num_replicas=replicas, max_ongoing_requests=1,
                            ray_actor_options=options, health_check_period_s=2, health_check_timeout_s=10)


def app_builder(args: dict):
    """`serve run/deploy` entry point: args {model, replicas, device, dtype, clip_model, cpus_per_replica}."""
    dep = deployment(int(args.get("replicas", 1)), args.get("device"), args.get("cpus_per_replica"))
    return dep.bind(args.get("model", "tiny"), args.get("device"), args.get("dtype"), args.get("clip_model"))


class RayEditor:
    """What the MCP front calls instead of an OIREditor: the same run / find_objects, served by replicas."""

    def __init__(self, handle, model_name: str, owns_ray: bool):
        self.handle = handle
        self.model_name = model_name
        self.edits = EditStore(0)  # nothing kept on the front; replicas keep nothing either
        self._owns_ray = owns_ray

    @classmethod
    def start(cls, model: str, replicas: int, address: str | None = None, device: str | None = None,
              dtype: str | None = None, clip_model: str | None = None) -> RayEditor:
        """Join a Ray cluster (`address`) or start a local one, then use the running `oir-agent` app if one is
        deployed there, else deploy it."""
        ray, serve = _require_ray()
        owns = address is None
        ray.init(address=address, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False,
                 configure_logging=False, **({"num_cpus": max(2, replicas + 1)} if owns else {}))
        try:
            handle = serve.get_deployment_handle(DEPLOYMENT, app_name=APP_NAME)
            logger.info("using the running Ray Serve app %r", APP_NAME)
        except Exception:  # not deployed yet: deploy it
            serve.start(proxy_location="Disabled")
            app = app_builder({"model": model, "replicas": replicas, "device": device, "dtype": dtype,
                               "clip_model": clip_model, "cpus_per_replica": 1})
            handle = serve.run(app, name=APP_NAME, route_prefix=None)
            logger.info("deployed %d Ray Serve replica(s) of %s", replicas, model)
        return cls(handle, model, owns)

    def run(self, request, progress=None, cancel=None) -> Any:
        from ..types import ProgressEvent

        if progress is not None:
            progress(ProgressEvent("inversion", 0, 1, "sent to a Ray Serve replica"))
        return self._call("edit", (request,), cancel)

    def find_objects(self, image, phrases, provider: str = "auto", config=None, cancel=None):
        if config is not None:
            raise InvalidInputError("find_objects with a config is not served by --backend ray.")
        from .. import images as imgio

        return self._call("find_objects", (imgio.open_image(image), list(phrases), provider), cancel)

    def refine(self, edit_id, *args, **kwargs):
        raise InvalidInputError(f"edit_id {str(edit_id)[:40]!r} is unknown: this server runs edits on Ray Serve "
                                "replicas, which keep no finished edits; run edit_image again with pair_steps.")

    def _call(self, method: str, args: tuple, cancel) -> Any:
        _require_ray()
        from ray import exceptions as rex

        dead = (rex.RayActorError, rex.ActorUnavailableError)  # ActorDiedError is a RayActorError
        last: BaseException | None = None
        for attempt in range(RETRIES + 1):
            response = getattr(self.handle, method).remote(*args)
            try:
                return self._wait(response, cancel)
            except dead as exc:
                last = exc
                logger.warning("Ray Serve replica failed during %s (attempt %d): %s", method, attempt + 1,
                               str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                time.sleep(1.0)  # let Serve notice the dead replica before the retry is routed
        raise ResourceError(f"the Ray Serve replica running this {method} died ({type(last).__name__}), and so did "
                            f"the retry; no file was written. Retry later.") from last

    @staticmethod
    def _wait(response, cancel) -> Any:
        while True:
            if cancel is not None and cancel.is_set():
                response.cancel()
                raise Cancelled("the edit was cancelled; no result was produced.")
            try:
                return response.result(timeout_s=0.25)
            except TimeoutError:
                continue

    def shutdown(self) -> None:
        ray, serve = _require_ray()
        if self._owns_ray:
            try:
                serve.shutdown()
            finally:
                ray.shutdown()
