"""``/board``, the TV: no login, the same page all class long.

The page gets the board's state once in its HTML, then as server-sent
events from ``/board/events``: the hub looks at ``hub.db``'s change counter
every POLL_S and sends the state when it changed, and at least every
KEEPALIVE_S (which also keeps the browser's estimate of the hub's clock
fresh). The browser's EventSource reconnects by itself RETRY_MS after the
hub went away, so a restarted hub is back on the TV within a few seconds.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from station.hub.api.context import HubContext, hub
from station.hub.db import connect
from station.hub.web.board_state import board_state, change_mark
from station.hub.web.render import page

router = APIRouter(include_in_schema=False)
#: How often a board's stream looks for a change: well inside the quarter
#: second a rep may take from the mat to the TV.
POLL_S = 0.05
#: A state at least this often, changed or not.
KEEPALIVE_S = 5.0
#: The browser tries again this soon after the stream broke.
RETRY_MS = 1000


def _state(context: HubContext) -> dict:
    conn = connect(context.data_dir)
    try:
        return board_state(conn, context.clock_unix_s())
    finally:
        conn.close()


@router.get("/board")
async def board(request: Request, context: HubContext = Depends(hub)):
    state = await asyncio.to_thread(_state, context)
    return page(request, "board.html", state=state)


@router.get("/board/events")
async def board_events(request: Request, context: HubContext = Depends(hub)):
    return StreamingResponse(_events(request, context), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _events(request: Request, context: HubContext):
    conn = await asyncio.to_thread(connect, context.data_dir)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        mark, sent_s, sent = None, None, None
        loop = asyncio.get_running_loop()
        closing = request.app.state.web.closing
        while not closing.is_set() and not await request.is_disconnected():
            now_s = loop.time()
            new_mark = await asyncio.to_thread(change_mark, conn)
            if new_mark != mark or sent_s is None or now_s - sent_s >= KEEPALIVE_S:
                mark = new_mark
                state = await asyncio.to_thread(board_state, conn, context.clock_unix_s())
                changed = {k: v for k, v in state.items() if k != "time_unix_s"}
                if changed != sent or sent_s is None or now_s - sent_s >= KEEPALIVE_S:
                    sent, sent_s = changed, now_s
                    yield f"data: {json.dumps(state, separators=(',', ':'))}\n\n"
            await asyncio.sleep(POLL_S)
    finally:
        conn.close()
