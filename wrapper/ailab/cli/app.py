"""The ``ailab`` command: one subcommand per operation, ``wait`` and ``batch``.

Every operation's command (and its ``batch`` twin) is built from :data:`OPERATIONS`, so a new
operation in the spec appears here after ``nox -s generate`` with nothing written by hand.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import AilabError
from ..images import prepare_image
from ..operations import OPERATIONS
from ..specs import OperationSpec
from .batch import Batch, BatchOptions
from .connection import Connection, connection_params
from .console import Output, show_library_warnings
from .destination import Destination
from .exits import CommandError, ExitCode, describe, exit_code
from .inputs import JOURNAL_NAME, find_inputs
from .journal import Identity, Journal, JournalError
from .options import (
    call_arguments,
    command_name,
    fingerprint,
    image_help,
    operation_params,
    primary_image,
)
from .sandbox_command import sandbox_command
from .single import run_operation, run_wait

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EPILOG = """\b
Exit codes: 0 all done; 1 some images failed; 2 usage or input error (nothing was sent);
3 authentication or credit error; 130 interrupted (resume with the printed command).
"""


@click.group(context_settings=CONTEXT, epilog=EPILOG)
@click.version_option(package_name="ailab", prog_name="ailab")
def cli() -> None:
    """Retouch portraits with the AILabTools APIs, one image or a whole folder.

    The API key comes from AILAB_API_KEY. Each operation command submits one image, shows the
    task's status while it runs and saves the result; `ailab batch` does the same for a
    folder, resumably.
    """


def _out_option() -> click.Option:
    return click.Option(
        ["-o", "--output", "out"],
        metavar="PATH",
        help="Where to save: a file, or a folder (existing, or ending with /). "
        "[default: next to the input, as NAME.<operation>.<ext>]",
    )


def _overwrite_option() -> click.Option:
    return click.Option(
        ["--overwrite"], is_flag=True, help="Replace an existing output file instead of refusing."
    )


def _operation_command(spec: OperationSpec) -> click.Command:
    def callback(**values: Any) -> None:
        connection = Connection.pop(values)
        out = values.pop("out")
        overwrite = values.pop("overwrite")
        no_wait = values.pop("no_wait")
        run_operation(spec, values, connection, out=out, overwrite=overwrite, no_wait=no_wait)

    no_wait = click.Option(
        ["--no-wait"], is_flag=True, help="Print the task id and exit; `ailab wait` collects it."
    )
    return click.Command(
        command_name(spec),
        params=[
            *operation_params(spec, with_primary=True),
            _out_option(),
            _overwrite_option(),
            no_wait,
            *connection_params(),
        ],
        callback=callback,
        help=f"{spec.title}: {spec.description}\n\n{primary_image(spec).label.upper()}: "
        + image_help(primary_image(spec)),
        short_help=spec.title,
        context_settings=CONTEXT,
        epilog=EPILOG,
    )


def _wait_command() -> click.Command:
    def callback(**values: Any) -> None:
        connection = Connection.pop(values)
        run_wait(
            values["task_id"],
            values["operation"],
            connection,
            out=values["out"],
            overwrite=values["overwrite"],
        )

    return click.Command(
        "wait",
        params=[
            click.Argument(["task_id"]),
            click.Option(
                ["--operation"],
                metavar="OPERATION",
                help="The operation that made the task (e.g. face-beauty-pro); "
                "recognised from the result when left out.",
            ),
            _out_option(),
            _overwrite_option(),
            *connection_params(),
        ],
        callback=callback,
        help="Wait for a task submitted earlier (by --no-wait, or a run that stopped) and save "
        "its result. Results stay available for 24 hours.",
        short_help="Resume one task.",
        context_settings=CONTEXT,
        epilog=EPILOG,
    )


def _batch_command(spec: OperationSpec) -> click.Command:
    def callback(**values: Any) -> int:
        connection = Connection.pop(values)
        batch_values = {
            name: values.pop(name)
            for name in (
                "input",
                "out",
                "journal",
                "concurrency",
                "overwrite",
                "retry_failed",
                "resubmit_uncertain",
            )
        }
        return _run_batch(spec, values, connection, **batch_values)

    name = command_name(spec)
    return click.Command(
        name,
        params=[
            click.Argument(["input"], metavar="INPUT"),
            *operation_params(spec, with_primary=False),
            click.Option(
                ["--out", "-o", "out"],
                type=click.Path(file_okay=False, path_type=Path),
                default=Path(f"ailab-{name}"),
                show_default=True,
                help="Folder for the results; sub-folders of INPUT are kept.",
            ),
            click.Option(
                ["--journal"],
                type=click.Path(dir_okay=False, path_type=Path),
                help=f"The batch's journal [default: OUT/{JOURNAL_NAME}]. Re-running the same "
                "command with the same journal resumes.",
            ),
            click.Option(
                ["--concurrency", "-j"],
                type=click.IntRange(1, 1000),
                default=4,
                show_default=True,
                help="Images in flight at once. Lower it if the API answers 429.",
            ),
            click.Option(
                ["--retry-failed"], is_flag=True, help="Submit images that failed before again."
            ),
            click.Option(
                ["--resubmit-uncertain"],
                is_flag=True,
                help="Submit again images whose earlier submit may or may not have reached the "
                "API (this may pay twice; see README).",
            ),
            _overwrite_option(),
            *connection_params(),
        ],
        callback=callback,
        help=f"{spec.title} for every image in INPUT, a folder (searched recursively) or a "
        "glob such as 'photos/**/*.jpg' (quoted). Every task id is recorded in a journal "
        "before it is polled: re-run the same command to resume after a crash or Ctrl-C; "
        "nothing saved is redone and nothing submitted is submitted again.",
        short_help=spec.title,
        context_settings=CONTEXT,
        epilog=EPILOG,
    )


def _run_batch(
    spec: OperationSpec,
    values: dict[str, Any],
    connection: Connection,
    *,
    input: str,
    out: Path,
    journal: Path | None,
    concurrency: int,
    overwrite: bool,
    retry_failed: bool,
    resubmit_uncertain: bool,
) -> int:
    output = Output(json_mode=connection.json_mode)
    journal_path = journal or out / JOURNAL_NAME
    Destination(folder=out).check(overwrite=True)  # a result must have somewhere to go
    suffixes = tuple(f".{command_name(each)}" for each in OPERATIONS.values())
    inputs = find_inputs(input, exclude=(out, journal_path), result_suffixes=suffixes)
    arguments = call_arguments(spec, values)
    primary = primary_image(spec)
    for field in spec.images:  # the images every task shares, checked once, before anything
        if field is not primary and field.label in arguments:
            arguments[field.label] = prepare_image(arguments[field.label], field, spec.name).data
    identity = Identity(
        operation=spec.name,
        options=fingerprint(spec, arguments),
        input=inputs.spec,
        keys=tuple(inputs.files),
    )
    command = _command_line(click.get_current_context().find_root().obj["argv"])
    try:
        opened = Journal.open(journal_path, identity, inputs.outputs(), command)
    except JournalError as error:
        raise CommandError(str(error)) from error
    options = BatchOptions(
        spec=spec,
        arguments=arguments,
        inputs=inputs,
        out=out,
        concurrency=concurrency,
        timeout=connection.timeout,
        overwrite=overwrite,
        retry_failed=retry_failed,
        resubmit_uncertain=resubmit_uncertain,
        command=command,
    )

    async def go() -> ExitCode:
        async with connection.async_client(concurrency) as client:
            batch = Batch(options, opened, client, output)
            batch.plan()
            return await batch.run()

    try:
        return int(asyncio.run(go()))
    except JournalError as error:
        raise CommandError(str(error), ExitCode.FAILED) from error
    finally:
        opened.close()


# Left out of "resume with" hints: the key (a secret), and the flags that pay again, which
# must stay a deliberate choice rather than something pasted from the last run's output.
_SECRET_OPTIONS = ("--api-key",)
_PAY_AGAIN_FLAGS = ("--resubmit-uncertain", "--retry-failed")


def _command_line(argv: Sequence[str]) -> str:
    """The command as typed, for "resume with" hints: no key, no flags that pay again."""
    words, skip, dropped_key = [], False, False
    for word in argv:
        if skip:
            skip = False
        elif word in _SECRET_OPTIONS:
            skip = dropped_key = True
        elif word.startswith(tuple(f"{option}=" for option in _SECRET_OPTIONS)):
            dropped_key = True
        elif word not in _PAY_AGAIN_FLAGS:
            words.append(word)
    command = shlex.join(["ailab", *words])
    return command + ("  # with AILAB_API_KEY set" if dropped_key else "")


def _build() -> click.Group:
    batch = click.Group(
        "batch",
        context_settings=CONTEXT,
        help="Run one operation over a folder or glob of images, resumably: "
        "ailab batch OPERATION INPUT [options].",
        short_help="Many images, resumable, never paid twice.",
        epilog=EPILOG,
    )
    for spec in OPERATIONS.values():
        cli.add_command(_operation_command(spec))
        batch.add_command(_batch_command(spec))
    cli.add_command(_wait_command())
    cli.add_command(batch)
    cli.add_command(sandbox_command())
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exit with the documented code (no traceback for expected errors)."""
    app = _build()
    output = Output()
    show_library_warnings()
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        code = app.main(args=args, standalone_mode=False, obj={"argv": args})
    except click.exceptions.Abort:
        output.error("interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except CommandError as error:
        output.error(str(error))
        sys.exit(exit_code(error))
    except AilabError as error:
        output.error(describe(error))
        sys.exit(exit_code(error))
    except KeyboardInterrupt:
        output.error("interrupted")
        sys.exit(ExitCode.INTERRUPTED)

    sys.exit(code if isinstance(code, int) else ExitCode.OK)
