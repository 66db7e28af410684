"""``python -m scripts.bench``: how much the ``ailab`` wrapper costs over plain httpx.

One run starts the offline sandbox (``--fast``: every task is complete when first queried) in a
child process and measures, against it:

1. one task at a time with ``ailab.Client`` against the minimal httpx sequence (same three
   requests), interleaved round by round, medians compared;
2. the same with the vendor SDK (``ailabtools``, async only) and with ``ailab.AsyncClient``,
   each against a minimal ``httpx.AsyncClient`` sequence;
3. ``ailab.AsyncClient`` with 1..1000 concurrent tasks, each level in a fresh process (peak
   RSS per level), against a minimal raw asyncio program doing the same requests;
4. the start-up cost of ``import ailab`` and of ``ailab --help``.

It prints one table (``--markdown PATH`` also writes it as Markdown) with the machine it ran
on. Targets are shown as pass/MISS, never enforced: the exit status is non-zero only when the
benchmark itself failed (a task errored). ``--quick`` is a small run for tests.
"""
