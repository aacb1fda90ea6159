"""The blocked-row engine: *how* a function visits the rows of its input.

A reducing function works on *rows*: the lines of its input along ``axis``. The
engine tiles the input into :class:`Block` s of whole rows, each of at most
``BLOCK_BYTES`` bytes, so that no temporary ever grows with the input. A
row longer than a block is read in several *chunks* along the axis, in order.

Blocks are independent: each one computes into its own slice of the output, or
into a per-block partial result that is combined with the others in block order.
The only working memory, the scratch buffers, belongs to one thread. So the blocks
are spread over a pool of threads (see :mod:`xentbook._threads`) without changing
a single bit of the result.

The modules above say *what* is computed on one block; they reach the engine
through a small interface:

- :func:`map_blocks` runs ``work(block, scratch)`` on every block and returns the
  results in block order; :func:`fill_blocks` writes each result into the block's
  rows of an output, and :func:`sum_blocks` sums each one, for a reduction that
  combines the partial sums in block order. ``ax=None`` tiles an array
  elementwise instead.
- :func:`sum_rows` sums functions of the entries along every row.
- :func:`at` finds a per-row index (a class target, a row's argmax) in a chunk, to
  :meth:`~Position.gather` the entry there or :meth:`~Position.scatter` into it.

The engine knows nothing of what it computes: the softmax statistics, for one,
live in :mod:`xentbook._softmax`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from . import _threads

# Bytes per block: a block and its temporaries stay in the L2/L3 caches, and the
# Python overhead per block stays small. Threads need blocks this large: with half
# the size, two threads on float32 logits spent more time waiting for each other
# (the GIL, between NumPy calls) than the second one saved.
BLOCK_BYTES = 1 << 20

# Bytes of input each thread must get before it joins in. A thread's working memory
# (its scratch and a block's temporaries) is at most about 4 blocks, so with 80
# blocks of input per thread all threads together stay within 5% of the input.
# This is far above where a second thread starts to pay for itself in time (a
# few blocks: handing a block to the pool costs tens of microseconds).
THREAD_BYTES = 80 * BLOCK_BYTES


class Block(NamedTuple):
    """A tile of whole rows along the axis, and the chunks it is read in."""

    rows: tuple  # index of the rows, the axis in full; also indexes a keepdims output
    chunks: tuple  # indices of the chunks, in order along the axis (``(rows,)`` if they fit)


def kept_shape(shape: tuple, ax: int) -> tuple:
    """``shape`` with the axis reduced to length 1 (``keepdims=True``)."""
    return (*shape[:ax], 1, *shape[ax + 1 :])


def block_elements(itemsize: int) -> int:
    """How many elements of ``itemsize`` bytes a block holds."""
    return max(BLOCK_BYTES // itemsize, 1)


def blocks(shape: tuple, ax: int, itemsize: int = 8) -> Iterator[Block]:
    """The blocks that tile an array of ``shape`` into rows along ``ax``, in C order.

    Blocks step along the first non-axis dimension whose trailing block (all later
    dimensions, the axis in full) fits in a block of elements of ``itemsize`` bytes;
    the dimensions before it are walked one index at a time. When not even one row
    fits, every other dimension is walked one index at a time and the row is read in
    chunks.
    """
    if shape[ax] == 0:
        return
    size = block_elements(itemsize)
    batch = [j for j in range(len(shape)) if j != ax]
    split, step, fixed = None, 1, batch
    for k in batch:
        trailing = shape[ax] * math.prod(shape[j] for j in batch if j > k)
        if trailing <= size:
            split, step = k, size // max(trailing, 1)
            fixed = [j for j in batch if j < k]
            break
    for outer in np.ndindex(*(shape[j] for j in fixed)):
        idx = [slice(None)] * len(shape)
        for j, i in zip(fixed, outer, strict=True):
            idx[j] = slice(i, i + 1)
        for start in range(0, 1 if split is None else shape[split], step):
            if split is not None:
                idx[split] = slice(start, start + step)
            yield Block(tuple(idx), _chunks(tuple(idx), ax, shape[ax], size))


def _chunks(rows: tuple, ax: int, length: int, size: int) -> tuple:
    if length <= size:
        return (rows,)
    return tuple(
        (*rows[:ax], slice(start, min(start + size, length)), *rows[ax + 1 :])
        for start in range(0, length, size)
    )


def scratch(arr: np.ndarray, buffers: int = 1) -> np.ndarray:
    """``buffers`` flat buffers that each hold any chunk of ``arr``, reused chunk after chunk."""
    return np.empty((buffers, min(arr.size, block_elements(arr.itemsize))), dtype=arr.dtype)


def map_blocks(work, x: np.ndarray, ax: int | None, buffers: int = 0) -> list:
    """``[work(block, s) for block in blocks]`` over the blocks of ``x``, spread over threads.

    The results come back in block order, so partial results combined in that order
    do not depend on the number of threads. ``s`` is the thread's scratch: ``buffers``
    flat buffers (see :func:`scratch`), or None for none. Work writing into an output
    touches only its block's rows. With ``ax=None`` the blocks tile ``x`` elementwise,
    in C order: ``block.rows`` indexes ``x`` itself, in one chunk. Small inputs stay
    on the calling thread (see ``THREAD_BYTES``).
    """
    if ax is None:
        # Every element is a row of length 1 along an extra last axis.
        tiles = [_tile(block) for block in blocks((*x.shape, 1), x.ndim, x.itemsize)]
    else:
        tiles = list(blocks(x.shape, ax, x.itemsize))
    participants = min(_threads.get_num_threads(), len(tiles), x.nbytes // THREAD_BYTES)
    state = (lambda: scratch(x, buffers)) if buffers else (lambda: None)
    return _threads.ordered_map(lambda i, s: work(tiles[i], s), len(tiles), participants, state)


def _tile(block: Block) -> Block:
    """A block of the array with an extra length-1 axis, as a tile of the array itself."""
    index = block.rows[:-1]
    return Block(index, (index,))


def fill_blocks(work, x: np.ndarray, ax: int | None, out: np.ndarray, buffers: int = 0):
    """Write ``work(block, s)`` into ``out[block.rows]`` for every block of ``x``; return ``out``.

    ``out`` is shaped like ``x`` with the axis kept at length 1 (or like ``x`` for
    ``ax=None``); the rest is as for :func:`map_blocks`.
    """

    def write(block, s):
        out[block.rows] = work(block, s)

    map_blocks(write, x, ax, buffers)
    return out


def sum_blocks(work, x: np.ndarray, ax: int | None, buffers: int = 0) -> np.ndarray:
    """The float64 sum of ``work(block, s)`` for every block of ``x``, in block order.

    A reduction that adds these partial sums in order gets the same bits for any
    number of threads. The rest is as for :func:`map_blocks`.
    """
    partials = map_blocks(lambda block, s: np.sum(work(block, s), dtype=np.float64), x, ax, buffers)
    return np.array(partials, dtype=np.float64)


def sum_rows(summands, arrays: tuple, ax: int, out: np.ndarray) -> np.ndarray:
    """Fill the keepdims ``out`` with the row sums of ``f(*arrays)``, for ``f`` in ``summands``.

    Each ``f`` maps chunks of the (equally shaped) ``arrays`` to summands; the chunks
    of a long row are summed one after the other, in order. With several functions,
    each one's row sum is taken on its own and the sums are added in the order given,
    block by block: the extra memory stays one block's.
    """

    def work(block, _):
        total = out[block.rows]
        for k, terms in enumerate(summands):
            part = total if k == 0 else np.empty_like(total)
            part.fill(0)
            for index in block.chunks:
                # Summed in C order, whatever the layout of the input, so that C and
                # Fortran arrays of the same numbers give the same bits (a copy only
                # for input that is not in C order).
                values = terms(*(a[index] for a in arrays))
                part += np.ascontiguousarray(values).sum(axis=ax, keepdims=True)
                del values  # not alive while the next chunk's terms are computed
            if k:
                total += part

    map_blocks(work, arrays[0], ax)
    return out


class Position(NamedTuple):
    """One entry per row of a chunk, as an index along its axis (see :func:`at`)."""

    index: np.ndarray  # with a length-1 axis; clipped into the chunk
    inside: np.ndarray | None  # rows whose entry lies in this chunk (None: every row)
    flat: np.ndarray | None  # positions in the flattened chunk, when the axis is last
    ax: int

    def gather(self, a: np.ndarray) -> np.ndarray:
        """The entry of each row of the chunk ``a`` here (0 for rows whose entry is elsewhere)."""
        if self.flat is not None and a.flags.c_contiguous:
            values = a.reshape(-1)[self.flat].reshape(self.index.shape)
        else:
            values = np.take_along_axis(a, self.index, axis=self.ax)
        return values if self.inside is None else np.where(self.inside, values, 0)

    def scatter(self, a: np.ndarray, values) -> None:
        """Set the entry of each row of the chunk ``a`` here to ``values`` (rows inside it)."""
        if self.inside is not None:
            values = np.where(self.inside, values, np.take_along_axis(a, self.index, axis=self.ax))
        if self.flat is not None and a.flags.c_contiguous:
            a.reshape(-1)[self.flat] = values if np.ndim(values) == 0 else values.reshape(-1)
        else:
            np.put_along_axis(a, self.index, values, axis=self.ax)


def at(index: np.ndarray, chunk: tuple, ax: int, length: int) -> Position:
    """Where the per-row ``index`` falls in ``chunk`` (a block's rows or one of its chunks).

    ``index`` runs along the whole axis, of ``length`` entries, and has a length-1 axis.
    """
    part = chunk[ax]
    if part.start is None:  # the axis in full
        return _position(index, None, ax, length)
    local = index - part.start
    size = part.stop - part.start
    return _position(np.clip(local, 0, size - 1), (local >= 0) & (local < size), ax, size)


def _position(index, inside, ax: int, width: int) -> Position:
    # With the axis last, fancy indexing on the flat view of a C-contiguous chunk
    # beats take_along_axis; the flat positions are computed once per chunk.
    flat = None
    if ax == index.ndim - 1:
        flat = index.reshape(-1) + np.arange(0, index.size * width, width)
    return Position(index, inside, flat, ax)
