"""``ailab sandbox``: serve the offline stand-in for the API (see README "Sandbox").

The server's own modules (Starlette, uvicorn) are imported only when the command runs, so
``ailab --help`` stays fast and the ``sandbox`` extra is needed only here.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import click

from .exits import CommandError

API_KEY_ENV = "AILAB_SANDBOX_API_KEY"
_EXTRAS = ("starlette", "uvicorn", "multipart", "python_multipart")
_RATE = click.FloatRange(0, 1)
_SECONDS = click.FloatRange(0, None)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _options() -> list[click.Parameter]:
    def rate(name: str, what: str) -> click.Option:
        return click.Option([name], type=_RATE, default=0.0, show_default=True, help=what)

    return [
        click.Option(
            ["--host"], default="127.0.0.1", show_default=True, help="Address to listen on."
        ),
        click.Option(
            ["--port"],
            type=click.IntRange(0, 65535),
            default=8000,
            show_default=True,
            help="Port to listen on (0: any free port).",
        ),
        click.Option(
            ["--api-key"],
            envvar=API_KEY_ENV,
            default=None,
            metavar="KEY",
            help=f"The only key accepted (env {API_KEY_ENV}). [default: sandbox-key]",
        ),
        click.Option(
            ["--queued-seconds"],
            type=_SECONDS,
            default=1.0,
            show_default=True,
            help="How long a new task stays queued (task_status 0).",
        ),
        click.Option(
            ["--processing-seconds"],
            type=_SECONDS,
            default=2.0,
            show_default=True,
            help="How long it then processes (task_status 1) before it completes.",
        ),
        click.Option(
            ["--fast"],
            is_flag=True,
            help="No artificial delays: tasks are complete when first queried.",
        ),
        click.Option(
            ["--result-ttl"],
            type=_SECONDS,
            default=86400.0,
            show_default=True,
            help="Seconds a result URL works after the task completes.",
        ),
        click.Option(
            ["--retention"],
            type=_SECONDS,
            default=86400.0,
            show_default=True,
            help="Seconds a task can be queried after it was submitted.",
        ),
        rate("--rate-limit-rate", "Share of requests refused with 429 EXCEEDING_LIMITS."),
        rate("--server-error-rate", "Share of requests refused with a 500, 502, 503 or 504."),
        rate("--task-failure-rate", "Share of tasks that fail with ERROR_NO_FACE_IN_FILE."),
        rate("--slow-rate", "Share of answers delayed by --slow-seconds."),
        click.Option(
            ["--slow-seconds"],
            type=_SECONDS,
            default=3.0,
            show_default=True,
            help="How long a slow answer is delayed.",
        ),
        click.Option(
            ["--retry-after"],
            type=click.IntRange(0, None),
            default=1,
            show_default=True,
            help="Retry-After seconds sent with 429 and 503 answers.",
        ),
        click.Option(
            ["--envelope"],
            type=click.Choice(["newer", "older", "both"]),
            default="both",
            show_default=True,
            help="Which documented envelope generation answers use (both: either, at random).",
        ),
        click.Option(
            ["--break-contract"],
            is_flag=True,
            help="Answer completed tasks without the required error_detail, breaking the spec on "
            "purpose (the live contract run must catch it).",
        ),
        click.Option(["--seed"], type=int, default=None, help="Seed for reproducible faults."),
        click.Option(
            ["--quiet", "-q"],
            is_flag=True,
            help="Print only the first line (the address), no request log.",
        ),
    ]


def _run(values: dict[str, Any]) -> None:
    try:
        from ..sandbox import FaultRates, SandboxConfig, serve  # noqa: PLC0415 - optional extra
        from ..sandbox.config import DEFAULT_API_KEY  # noqa: PLC0415
        from ..sandbox.server import ready_line  # noqa: PLC0415
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in _EXTRAS:
            raise
        raise CommandError(
            f'ailab sandbox needs {error.name}: pip install "ailab[cli,sandbox]"'
        ) from None
    fast = values["fast"]
    key = DEFAULT_API_KEY if values["api_key"] is None else values["api_key"]
    try:
        config = SandboxConfig(
            api_key=key,
            queued_seconds=0.0 if fast else values["queued_seconds"],
            processing_seconds=0.0 if fast else values["processing_seconds"],
            result_ttl=values["result_ttl"],
            retention_seconds=values["retention"],
            faults=FaultRates(
                rate_limit=values["rate_limit_rate"],
                server_error=values["server_error_rate"],
                task_failure=values["task_failure_rate"],
                slow=values["slow_rate"],
            ),
            slow_seconds=values["slow_seconds"],
            retry_after=values["retry_after"],
            envelope=values["envelope"],
            break_contract=values["break_contract"],
            seed=values["seed"],
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    host: str = values["host"]
    quiet: bool = values["quiet"]

    def ready(url: str) -> None:
        print(ready_line(url), flush=True)
        if quiet:
            return
        shown = key if key == DEFAULT_API_KEY else "<the key given with --api-key>"
        click.echo(f"Point a client at it: AILAB_BASE_URL={url} AILAB_API_KEY={shown}", err=True)
        if not _is_loopback(host):
            click.echo(f"warning: {host} is reachable from other machines", err=True)
        if config.break_contract:
            click.echo("warning: --break-contract: completed tasks break the spec", err=True)
        click.echo("Press Ctrl-C to stop.", err=True)

    try:
        serve(config, host, values["port"], on_ready=ready, access_log=not quiet)
    except KeyboardInterrupt:  # Ctrl-C is how a sandbox is meant to stop
        click.echo("Stopped.", err=True)
    except OSError as error:
        raise CommandError(f"cannot listen on {host}:{values['port']}: {error.strerror}") from None


def sandbox_command() -> click.Command:
    """The ``ailab sandbox`` command."""
    return click.Command(
        "sandbox",
        params=_options(),
        callback=lambda **values: _run(values),
        help="Serve an offline stand-in for the AILabTools API on this machine: the five "
        "operations, the task query and result files, with tasks that move queued -> "
        "processing -> completed, real result images, the spec's limits, key checks and "
        "injectable faults (also on demand: POST /sandbox/faults). No credits are used.",
        short_help="Serve an offline stand-in for the API.",
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
