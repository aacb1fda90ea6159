"""The blocked-row engine that every reducing function runs on.

A reducing function works on *rows*: the lines of its input along ``axis``. The
engine tiles the input into :class:`Block` s of whole rows, each of at most
``BLOCK_BYTES`` bytes, so that no temporary ever grows with the input. A
row longer than a block is read in several *chunks* along the axis, and the
statistics that need the whole row (the maximum, the tail sum of the softmax)
are gathered chunk by chunk before the chunks are read again.

Blocks are independent: each one computes into its own slice of the output, or
into a per-block partial result that the caller combines in block order. The
only working memory, the ``scratch`` buffer, belongs to one thread. So :func:`run`
spreads the blocks over a pool of threads (see :mod:`xentbook._threads`) without
changing a single bit of the result.

:func:`scan` gives the softmax statistics of a block; the shift ``x - m`` by the
row maximum ``m`` (at index ``a``), its exponentials, and

.. math::

    s = \\sum_{j \\ne a} e^{x_j - m},

the tail sum that ``log1p`` turns into an accurate normaliser. Entries tied with
an infinite maximum sit at shift 0. Where no ``e^x`` of a block can overflow and no
underflow matters, :func:`stats` and :func:`unshifted` get the same statistics from
``e^x * e^-m`` instead, without the subtraction broadcast along every row.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

from . import _threads
from ._errors import raise_nan

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


class Position(NamedTuple):
    """One entry per row, as an index along the axis of a chunk."""

    index: np.ndarray  # with a length-1 axis; clipped into the chunk
    inside: np.ndarray | None  # rows whose entry lies in this chunk (None: every row)
    flat: np.ndarray | None  # positions in the flattened chunk, when the axis is last


class RowStats(NamedTuple):
    """Per-row statistics of a block, each with a length-1 axis."""

    argmax: np.ndarray  # index along the axis of one maximal entry
    maximum: np.ndarray
    tail: np.ndarray  # s, the sum of exp(x - maximum) over every entry but the argmax


class Part(NamedTuple):
    """One chunk of a block, shifted by its rows' maximum."""

    index: tuple  # the chunk's index into the input
    shift: np.ndarray | None  # x - maximum, if it was asked for
    exp: np.ndarray  # exp(x - maximum), with 0 at the argmax
    argmax: Position  # where the argmax sits in this chunk


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
        (*rows[:ax], slice(start, start + size), *rows[ax + 1 :])
        for start in range(0, length, size)
    )


def scratch(arr: np.ndarray, keep_shift: bool = False) -> np.ndarray:
    """Flat buffers that each hold any chunk of ``arr``, reused chunk after chunk.

    One for the shift, written over by its exponentials; a second one for the
    exponentials when the caller keeps the shift (see :func:`scan`).
    """
    return np.empty((1 + keep_shift, min(arr.size, block_elements(arr.itemsize))), dtype=arr.dtype)


def position(index: np.ndarray, chunk: tuple, ax: int, length: int) -> Position:
    """The per-row ``index`` (along the whole axis) as a position in ``chunk``."""
    start = chunk[ax].start or 0
    if start == 0 and (chunk[ax].stop is None or chunk[ax].stop >= length):
        return _position(index, None, ax, length)
    size = min(chunk[ax].stop, length) - start
    local = index - start
    return _position(np.clip(local, 0, size - 1), (local >= 0) & (local < size), ax, size)


def _position(index, inside, ax: int, width: int) -> Position:
    # With the axis last, fancy indexing on the flat view of a C-contiguous chunk
    # beats take_along_axis; the flat positions are computed once per chunk.
    flat = None
    if ax == index.ndim - 1:
        flat = index.reshape(-1) + np.arange(0, index.size * width, width)
    return Position(index, inside, flat)


def pick(a: np.ndarray, pos: Position, ax: int) -> np.ndarray:
    """The entry of each row of ``a`` at ``pos`` (0 for rows whose entry is elsewhere)."""
    if pos.flat is not None and a.flags.c_contiguous:
        values = a.reshape(-1)[pos.flat].reshape(pos.index.shape)
    else:
        values = np.take_along_axis(a, pos.index, axis=ax)
    return values if pos.inside is None else np.where(pos.inside, values, 0)


def place(a: np.ndarray, pos: Position, values, ax: int) -> None:
    """Set the entry of each row of ``a`` at ``pos`` to ``values`` (rows inside the chunk)."""
    if pos.inside is not None:
        values = np.where(pos.inside, values, np.take_along_axis(a, pos.index, axis=ax))
    if pos.flat is not None and a.flags.c_contiguous:
        a.reshape(-1)[pos.flat] = values if np.ndim(values) == 0 else values.reshape(-1)
    else:
        np.put_along_axis(a, pos.index, values, axis=ax)


def scan(
    x: np.ndarray, block: Block, ax: int, name: str, buffer: np.ndarray, keep_shift: bool = False
) -> tuple[RowStats, Iterable[Part]]:
    """The softmax statistics of ``block``, and its parts (chunks shifted by the maximum).

    A block read in one chunk is shifted once and its single part comes back
    ready; a block of long rows is read twice for the statistics, and its parts
    are recomputed one at a time as the caller iterates over them. ``buffer`` (see
    :func:`scratch`) holds the shift and its exponentials (written over the shift
    unless ``keep_shift``); each part is valid until the next one is drawn, and the
    caller may overwrite it. Raises the NaN error
    for ``x``, called ``name``, if the block holds NaN (the maximum finds it).
    """
    if len(block.chunks) == 1:
        chunk = x[block.rows]
        argmax = np.argmax(chunk, axis=ax, keepdims=True)
        pos = position(argmax, block.rows, ax, x.shape[ax])
        maximum = _checked(pick(chunk, pos, ax), x, name)
        shift, exp = _shift_exp(chunk, maximum, buffer, keep_shift)
        place(exp, pos, 0, ax)
        stats = RowStats(argmax, maximum, exp.sum(axis=ax, keepdims=True))
        return stats, (Part(block.rows, shift, exp, pos),)
    argmax = maximum = None
    for index in block.chunks:
        chunk = x[index]
        local = np.argmax(chunk, axis=ax, keepdims=True)
        top = _checked(np.take_along_axis(chunk, local, axis=ax), x, name)
        if maximum is None:
            argmax, maximum = local + index[ax].start, top
        else:
            # Strictly greater: the first maximal entry wins, as in np.argmax.
            greater = top > maximum
            argmax = np.where(greater, local + index[ax].start, argmax)
            maximum = np.where(greater, top, maximum)
    tail = sum(
        part.exp.sum(axis=ax, keepdims=True)
        for part in _parts(x, block, ax, argmax, maximum, buffer, False)
    )
    stats = RowStats(argmax, maximum, tail)
    return stats, _parts(x, block, ax, argmax, maximum, buffer, keep_shift)


class Unshifted(NamedTuple):
    """A block's exponentials taken without the shift: ``exp * scale`` is ``e^(x - m)``."""

    stats: RowStats
    exp: np.ndarray  # e^x, with 0 at the argmax
    scale: np.ndarray  # e^-m per row, with a length-1 axis
    argmax: Position


def unshifted(x, block: Block, ax: int, out: np.ndarray, lowest=None):
    """The softmax statistics of ``block`` from ``e^x`` itself, written into ``out``.

    ``e^(x - m)`` needs a subtraction broadcast along every row, which costs NumPy as
    much as the exponential; ``e^x * e^-m`` needs none. It is as accurate (the
    argument of each exponential is exact) wherever no ``e^x`` overflows and the
    tail is far above the underflow threshold. Returns None for a block outside
    that range (or holding NaN, or with a row maximum below ``lowest``), and
    :func:`scan` then does it. The block must be read in one chunk; ``out`` takes its
    shape.
    """
    chunk = x[block.rows]
    argmax = chunk.argmax(axis=ax, keepdims=True)
    pos = position(argmax, block.rows, ax, x.shape[ax])
    maximum = pick(chunk, pos, ax)
    highest, floor = _range(x.dtype, x.shape[ax])
    lowest = -highest if lowest is None else lowest
    # NaN fails both comparisons: scan then raises the error that names it.
    if maximum.size and not (maximum.min() >= lowest and maximum.max() <= highest):
        return None
    exp = np.exp(chunk, out=out)
    place(exp, pos, 0, ax)
    total = exp.sum(axis=ax, keepdims=True)
    if not (total > floor).all():
        return None
    scale = np.exp(-maximum)
    return Unshifted(RowStats(argmax, maximum, total * scale), exp, scale, pos)


@functools.cache
def _range(dtype: np.dtype, width: int) -> tuple[float, float]:
    """Where :func:`unshifted` applies to rows of ``width`` entries of ``dtype``.

    The highest row maximum keeps every ``e^x``, their sum and ``e^-m`` finite. Entries
    whose ``e^x`` underflows change a row's total by at most ``width * tiny``: less than
    an eighth of the last bit of a total above the floor returned here.
    """
    info = np.finfo(dtype)
    highest = math.log(info.max) - math.log(width) - 1
    return highest, width * float(info.tiny) * 2.0 ** (info.nmant + 3)


def stats(x: np.ndarray, block: Block, ax: int, name: str, buffer: np.ndarray) -> RowStats:
    """The :class:`RowStats` of ``block``, by :func:`unshifted` where it applies."""
    if len(block.chunks) == 1:
        fast = unshifted(x, block, ax, _shaped(buffer[0], x[block.rows].shape))
        if fast is not None:
            return fast.stats
    return scan(x, block, ax, name, buffer)[0]


def _shaped(flat: np.ndarray, shape: tuple) -> np.ndarray:
    return flat[: math.prod(shape)].reshape(shape)


def _parts(x, block, ax, argmax, maximum, buffer, keep_shift) -> Iterator[Part]:
    for index in block.chunks:
        pos = position(argmax, index, ax, x.shape[ax])
        shift, exp = _shift_exp(x[index], maximum, buffer, keep_shift)
        place(exp, pos, 0, ax)
        yield Part(index, shift, exp, pos)


def _checked(maximum: np.ndarray, x: np.ndarray, name: str) -> np.ndarray:
    if np.isnan(maximum).any():
        raise_nan(x, name)
    return maximum


def _shift_exp(chunk, maximum, buffer, keep_shift):
    """``chunk - maximum`` and its exponentials, in ``buffer`` (the shift kept if asked)."""
    shaped = [_shaped(b, chunk.shape) for b in buffer]
    # A shift below -max_float (huge logits of both signs) is -inf: its exponential is 0.
    if np.isfinite(maximum).all():
        with np.errstate(over="ignore"):
            shift = np.subtract(chunk, maximum, out=shaped[0])
    else:
        # inf - inf: entries tied with an infinite maximum sit at shift 0.
        with np.errstate(invalid="ignore", over="ignore"):
            shift = np.where(chunk == maximum, 0, chunk - maximum)
    # A kept shift needs the second buffer for its exponentials (without one, a new array).
    second = shaped[1] if len(shaped) > 1 else None
    exp = np.exp(shift, out=second if keep_shift else shift)
    return (shift if keep_shift else None), exp


def run(work, shape: tuple, ax: int, state=lambda: None, itemsize: int = 8) -> list:
    """``[work(block, s) for block in blocks(shape, ax, itemsize)]``, spread over threads.

    ``state()`` makes one thread's scratch ``s`` (see :func:`scratch`). The results
    come back in block order, so partial sums combined in that order do not depend
    on the number of threads. Work writing into an output touches only its block's
    rows. Small inputs stay on the calling thread (see ``THREAD_BYTES``).
    """
    tiles = list(blocks(shape, ax, itemsize))
    enough = math.prod(shape) * itemsize // THREAD_BYTES
    participants = min(_threads.get_num_threads(), len(tiles), enough)
    return _threads.ordered_map(lambda i, s: work(tiles[i], s), len(tiles), participants, state)


def run_elementwise(work, shape: tuple, itemsize: int) -> list:
    """``[work(index) for index in tiles]``, with tiles of one block each of an array of
    ``shape`` and ``itemsize``, in C order, spread over threads as :func:`run`."""
    # Every element is a row of length 1 along an extra last axis.
    return run(lambda block, _: work(block.rows[:-1]), (*shape, 1), len(shape), itemsize=itemsize)


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

    run(work, arrays[0].shape, ax, itemsize=arrays[0].itemsize)
    return out
