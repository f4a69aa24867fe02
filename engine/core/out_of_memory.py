"""Recognising "out of memory" whatever raised it, and the advice that goes with it.

Each Keras backend says it differently: TensorFlow raises ``ResourceExhaustedError``, JAX an
``XlaRuntimeError`` whose text starts with ``RESOURCE_EXHAUSTED``, PyTorch
``torch.OutOfMemoryError`` on a GPU (or a ``RuntimeError`` "CUDA out of memory") and a
``RuntimeError`` "DefaultCPUAllocator: can't allocate memory" on the processor, and Python
itself ``MemoryError``. They are matched by class name and message, so this module imports no
backend; a wrapped error is recognised through its cause.

Example:
    >>> is_out_of_memory(MemoryError())
    True
    >>> out_of_memory_advice(256)
    'Training ran out of memory (batch size 256). Try a smaller batch size, ...'
"""

from __future__ import annotations

from engine.core.texts import text

OUT_OF_MEMORY = "out_of_memory"
"""The code of the alert a run that ran out of memory raises."""

CLASS_NAMES = frozenset({"ResourceExhaustedError", "MemoryError", "OutOfMemoryError",
                         "OutOfMemory"})
MESSAGE_MARKS = ("RESOURCE_EXHAUSTED", "out of memory", "OOM when allocating",
                 "can't allocate memory")


def is_out_of_memory(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an error it was raised from) says memory ran out.

    Args:
        exc: any exception.

    Returns:
        True for the out-of-memory errors of TensorFlow, JAX, PyTorch and Python.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if any(cls.__name__ in CLASS_NAMES for cls in type(exc).__mro__):
            return True
        message = str(exc)
        if any(mark in message for mark in MESSAGE_MARKS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def out_of_memory_advice(batch_size: int | None, gpu: str = "",
                         mixed_hint: bool = False) -> str:
    """One line: memory ran out, try a smaller batch (half of ``batch_size``) or model.

    Args:
        batch_size: the run's batch size (None: not a network).
        gpu: the GPU that ran out (its memory, not the computer's), ``""`` on the processor.
        mixed_hint: also advise mixed precision (a GPU that gains from it, and it was off).
    """
    if gpu and batch_size:
        hint = text("faults.out_of_memory_mixed_hint") if mixed_hint else ""
        return text("faults.out_of_memory_gpu", gpu=gpu, batch_size=batch_size,
                    smaller=max(1, int(batch_size) // 2), mixed_hint=hint)
    if not batch_size:
        return text("faults.out_of_memory_short")
    return text("faults.out_of_memory", batch_size=batch_size,
                smaller=max(1, int(batch_size) // 2))
