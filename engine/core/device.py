"""What trains: the devices the Keras backend sees, and the choices that follow from them.

``device_facts()`` asks the backend once (TensorFlow: ``tf.config``; JAX: ``jax.devices()``;
PyTorch: ``torch.cuda``) and returns plain data: each GPU's name, its memory (total and
free, where the backend tells it) and its compute capability. The decisions are pure
functions of that data, so they are tested with device lists written out by hand:

* ``mixed_precision_choice``: mixed precision (float16 arithmetic, float32 weights) pays on
  GPUs of compute capability 7.0 or more (tensor cores); ``auto`` turns it on there and off
  elsewhere, ``on`` is refused with the reason where it would not pay;
* ``uses_mirrored_strategy``: several GPUs on TensorFlow train as one, a copy of the model
  on each (``tf.distribute.MirroredStrategy``); other backends train on one device;
* ``suggested_batch_size``: the largest power-of-two batch whose activations fit in the
  free memory with a safety margin;
* ``DeviceFacts.sentence``: the plain words of the status bar and the report.

Example:
    >>> gpu = Gpu("NVIDIA H100 80GB HBM3", total_bytes=80 * GIB, free_bytes=79 * GIB,
    ...           compute_capability=(9, 0))
    >>> DeviceFacts("tensorflow", (gpu,)).label
    'NVIDIA H100 80GB HBM3'
    >>> mixed_precision_choice("auto", DeviceFacts("tensorflow", (gpu,)))
    (True, '')
    >>> suggested_batch_size(free_bytes=8 * GIB, params=1_000_000,
    ...                      example_bytes=200_000, rows=50_000)
    16384
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.texts import text

GIB = 1024 ** 3
MIXED_PRECISION_CAPABILITY = (7, 0)
"""Compute capability from which a GPU has tensor cores, where float16 arithmetic pays."""
MIXED_PRECISION_SETTINGS = ("auto", "on", "off")
SAFETY = 0.5
"""Share of the free memory a suggested batch may fill: the rest is left for the
backend's own workspace, fragmentation and what the estimate misses."""
WEIGHT_COPIES = 4
"""Copies of the weights training holds: the weights, their gradients and Adam's two
moments."""


@dataclass(frozen=True)
class Gpu:
    """One GPU as the backend reports it; sizes in bytes, 0 where the backend does not
    say."""

    name: str
    total_bytes: int = 0
    free_bytes: int = 0
    compute_capability: tuple[int, int] | None = None

    @property
    def gains_from_mixed_precision(self) -> bool:
        """Whether float16 arithmetic runs faster here (tensor cores, capability >= 7.0)."""
        return (self.compute_capability is not None
                and tuple(self.compute_capability) >= MIXED_PRECISION_CAPABILITY)


@dataclass(frozen=True)
class DeviceFacts:
    """The backend in use and the GPUs it trains on (none: the processor trains)."""

    backend: str
    gpus: tuple[Gpu, ...] = field(default_factory=tuple)

    @property
    def on_gpu(self) -> bool:
        return bool(self.gpus)

    @property
    def label(self) -> str:
        """Short words for what trains: ``CPU``, a GPU's name, or ``2 x <name>``."""
        if not self.gpus:
            return "CPU"
        names = sorted({g.name for g in self.gpus})
        if len(self.gpus) == 1:
            return self.gpus[0].name
        if len(names) == 1:
            return f"{len(self.gpus)} x {names[0]}"
        return ", ".join(g.name for g in self.gpus)

    def sentence(self) -> str:
        """One plain sentence for the status bar's tooltip and the report."""
        if not self.gpus:
            return text("device.cpu")
        gpu = self.gpus[0]
        memory = ""
        if gpu.total_bytes:
            memory = text("device.memory", total=_gib(gpu.total_bytes),
                          free=_gib(gpu.free_bytes) if gpu.free_bytes else "?")
        mixed = text("device.mixed_pays" if all(g.gains_from_mixed_precision
                                                for g in self.gpus) else "device.mixed_no")
        several = ""
        if len(self.gpus) > 1:
            several = text("device.several_mirrored" if uses_mirrored_strategy(self)
                           else "device.several_one", count=len(self.gpus),
                           backend=self.backend)
        where = f"{self.label} {memory}" if memory else self.label
        return " ".join(text("device.gpu", where=where, mixed=mixed, several=several).split())

    def to_dict(self) -> dict:
        return {"backend": self.backend, "label": self.label, "sentence": self.sentence(),
                "gpus": [{"name": g.name, "total_bytes": g.total_bytes,
                          "free_bytes": g.free_bytes,
                          "compute_capability": list(g.compute_capability or ())}
                         for g in self.gpus]}


def _gib(size: int) -> str:
    return f"{size / GIB:.1f}".rstrip("0").rstrip(".")


def mixed_precision_choice(setting: str | bool, facts: DeviceFacts) -> tuple[bool, str]:
    """Whether a run trains with mixed precision, and why not when it was asked for.

    Args:
        setting: ``auto`` (on where it pays), ``on``, ``off`` (or True / False).
        facts: the devices that train.

    Returns:
        ``(use, refusal)``: ``refusal`` is a plain sentence when ``on`` was asked for where
        mixed precision would not pay (the processor, an older GPU), else ``""``.

    Example:
        >>> mixed_precision_choice("on", DeviceFacts("tensorflow"))[0]
        False
    """
    setting = {True: "on", False: "off"}.get(setting, setting)  # type: ignore[arg-type]
    setting = str(setting or "auto").lower()
    if setting not in MIXED_PRECISION_SETTINGS:
        return False, text("device.bad_mixed", value=setting)
    pays = facts.on_gpu and all(g.gains_from_mixed_precision for g in facts.gpus)
    if setting == "off":
        return False, ""
    if pays:
        return True, ""
    if setting == "auto":
        return False, ""
    return False, f"{mixed_precision_refusal(facts)} {text('device.use_setting')}"


def mixed_precision_refusal(facts: DeviceFacts) -> str:
    """Why mixed precision is not offered here (plain words), ``""`` where it is."""
    if not facts.on_gpu:
        return text("device.mixed_cpu")
    old = [g for g in facts.gpus if not g.gains_from_mixed_precision]
    if old:
        cc = old[0].compute_capability
        return text("device.mixed_old_gpu", name=old[0].name,
                    capability="?" if cc is None else f"{cc[0]}.{cc[1]}")
    return ""


def uses_mirrored_strategy(facts: DeviceFacts) -> bool:
    """Whether the model is built under ``tf.distribute.MirroredStrategy``: several GPUs
    on TensorFlow (JAX and PyTorch runs train on the first device).

    Example:
        >>> two = (Gpu("A"), Gpu("A"))
        >>> uses_mirrored_strategy(DeviceFacts("tensorflow", two))
        True
        >>> uses_mirrored_strategy(DeviceFacts("jax", two))
        False
    """
    return facts.backend == "tensorflow" and len(facts.gpus) > 1


def suggested_batch_size(free_bytes: int, params: int, example_bytes: int,
                         dtype_bytes: int = 4, rows: int | None = None,
                         safety: float = SAFETY, smallest: int = 1,
                         largest: int = 65_536) -> int:
    """The largest power-of-two batch whose training fits in ``free_bytes``.

    Memory needed: ``WEIGHT_COPIES`` copies of the weights (``params`` numbers of
    ``dtype_bytes``), plus ``example_bytes`` of activations per example in the batch
    (kept for the backward pass), all within ``safety`` of the free memory. Capped by the
    training rows (a batch larger than the data only wastes memory) and by ``largest``.

    Example:
        >>> suggested_batch_size(free_bytes=16 * GIB, params=25_000_000,
        ...                      example_bytes=40_000_000, rows=1_000_000)
        128
        >>> suggested_batch_size(free_bytes=16 * GIB, params=10_000, example_bytes=4_000,
        ...                      rows=300)
        256
    """
    budget = free_bytes * safety - WEIGHT_COPIES * params * dtype_bytes
    if budget <= 0 or example_bytes <= 0:
        return smallest
    fits = int(budget // example_bytes)
    cap = min(largest, rows) if rows else largest
    fits = min(fits, cap)
    if fits < smallest:
        return smallest
    return max(smallest, 1 << (fits.bit_length() - 1))


_known: DeviceFacts | None = None


def device_facts(fresh: bool = False) -> DeviceFacts:
    """Ask the Keras backend which GPUs it trains on, with their memory and capability.

    The answer is kept for the process; ``fresh`` asks again (free memory changes).
    """
    global _known
    if _known is not None and not fresh:
        return _known
    # Imported here to keep Keras out of start-up.
    from engine.core.backend import import_keras

    backend = import_keras().backend.backend()
    reader = {"tensorflow": _tensorflow_gpus, "jax": _jax_gpus,
              "torch": _torch_gpus}.get(backend)
    gpus: tuple[Gpu, ...] = ()
    if reader is not None:
        try:
            gpus = tuple(reader())
        except Exception:  # a driver that answers oddly: the processor trains
            gpus = ()
    _known = DeviceFacts(backend, gpus)
    return _known


def _tensorflow_gpus():
    # Imported here to keep TensorFlow out of start-up.
    import tensorflow as tf

    for i, device in enumerate(tf.config.list_physical_devices("GPU")):
        details = tf.config.experimental.get_device_details(device) or {}
        # TensorFlow tells only what it holds itself; the card's memory comes from the
        # NVIDIA driver (TensorFlow takes memory as it needs it: engine.core.backend).
        total, free = _nvidia_memory(i)
        cc = details.get("compute_capability")
        yield Gpu(details.get("device_name", f"GPU {i}"), total, free,
                  tuple(cc) if cc else None)


def _nvidia_memory(index: int) -> tuple[int, int]:
    """The card's total and free memory in bytes from the NVIDIA driver's library (NVML),
    ``(0, 0)`` where it cannot say."""
    try:
        # Imported here to keep ctypes' loading of the driver out of start-up.
        import ctypes

        nvml = ctypes.CDLL("libnvidia-ml.so.1")
        if nvml.nvmlInit_v2() != 0:
            return 0, 0

        class _Memory(ctypes.Structure):
            _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong),
                        ("used", ctypes.c_ulonglong)]

        handle = ctypes.c_void_p()
        memory = _Memory()
        if nvml.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(handle)) != 0:
            return 0, 0
        if nvml.nvmlDeviceGetMemoryInfo(handle, ctypes.byref(memory)) != 0:
            return 0, 0
        return int(memory.total), int(memory.free)
    except (OSError, AttributeError):
        return 0, 0


def _jax_gpus():
    # Imported here to keep JAX out of start-up.
    import jax

    for device in jax.devices():
        if device.platform != "gpu":
            continue
        stats = {}
        try:
            stats = device.memory_stats() or {}
        except Exception:
            stats = {}
        total = int(stats.get("bytes_limit", 0))
        free = max(0, total - int(stats.get("bytes_in_use", 0))) if total else 0
        cc = getattr(device, "compute_capability", None)
        capability = tuple(int(p) for p in str(cc).split(".")[:2]) if cc else None
        yield Gpu(device.device_kind, total, free, capability)


def _torch_gpus():
    # Imported here to keep PyTorch out of start-up.
    import torch

    if not torch.cuda.is_available():
        return
    for i in range(torch.cuda.device_count()):
        free, total = torch.cuda.mem_get_info(i)
        yield Gpu(torch.cuda.get_device_name(i), int(total), int(free),
                  tuple(torch.cuda.get_device_capability(i)))
