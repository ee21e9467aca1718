"""Group commit for the public comment form: the comments waiting at one moment share one transaction.

While one batch is being written (in the thread pool), the comments that arrive queue up;
when it commits, every waiting comment goes into the next batch. Under load a batch holds
tens of comments for the price of one BEGIN/COMMIT, one thread hop and one guard query;
a lone resident's comment is written at once, as before. A receipt is answered only after
its batch committed. When a batch meets a form token stored earlier (a re-send racing its
first copy in another batch or process), it is rolled back and its comments are stored one
by one, each finding its own receipt. LEGIS_GROUP_COMMIT=0 stores every comment on its own.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from legis.db import session_scope
from legis.services import intake

MAX_BATCH = 64
RETRIES = 3   # of one comment whose new receipt code happened to be taken


class CommentIntake:
    def __init__(self, engine: Engine, *, group_commit: bool = True):
        self._engine = engine
        self._group = group_commit
        self.targets = intake.Targets()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[intake.Submission, asyncio.Future]] = []
        self._writing = False

    async def store(self, item: intake.Submission) -> intake.Stored | None:
        """(receipt code, draft id, slug) once committed; None: the full path must take it."""
        if not self._group:
            return await run_in_threadpool(self._store_one, item)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:   # a new event loop (tests start one per client)
            self._loop, self._waiting, self._writing = loop, [], False
        future: asyncio.Future = loop.create_future()
        self._waiting.append((item, future))
        if not self._writing:
            self._writing = True
            loop.create_task(self._write_waiting())
        return await future

    async def _write_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    results = await run_in_threadpool(self._store_batch, [i for i, _ in batch])
                except Exception as error:  # noqa: BLE001 (handed to every waiting request, which answers 503)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():   # done: the resident went away; the comment is stored
                        future.set_result(result)
        finally:
            self._writing = False

    def _store_batch(self, items: list[intake.Submission]) -> list[intake.Stored | None]:
        try:
            with session_scope(self._engine, write=True) as session:
                return intake.store_all(session, targets=self.targets, items=items)
        except IntegrityError:
            return [self._store_one(item) for item in items]

    def _store_one(self, item: intake.Submission) -> intake.Stored | None:
        for _attempt in range(RETRIES):
            try:
                with session_scope(self._engine, write=True) as session:
                    return intake.store_all(session, targets=self.targets, items=[item])[0]
            except IntegrityError:
                with session_scope(self._engine) as session:
                    found = intake.stored_receipt(session, form_token=item.form_token)
                if found is not None:   # this form was stored already: its receipt
                    return found[0], found[1], item.slug
        return None   # the full path tries once more and answers 503 if it cannot either
