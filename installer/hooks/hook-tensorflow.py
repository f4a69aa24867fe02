"""TensorFlow for Practica's bundle, in place of pyinstaller-hooks-contrib's hook-tensorflow.py
(a hook in the spec's hookspath wins over the contributed one).

The contributed hook collects every submodule of ``keras``, so its isolated import reaches
``keras.src.backend.torch``: with PyTorch installed beside TensorFlow (the ``torch`` extra)
that child process crashes (SIGSEGV) and the build stops. Here Keras' other backends and
test modules are left out, as the spec leaves them out of its own
``collect_submodules("keras")`` (installer/lean.py). The contributed hook also adds NVIDIA's
CUDA packages whose module names match TensorFlow's ``and-cuda`` requirements; here only
those whose distribution TensorFlow asks for is installed (PyTorch's CUDA 13 packages share
the names ``nvidia.cudnn`` and ``nvidia.nccl``: 1.2 GB that TensorFlow cannot use).
"""

from importlib import metadata

from PyInstaller.compat import is_linux
from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs, collect_submodules

import lean  # installer/lean.py (the spec puts its folder on the path)


# As the contributed hook: no headers, no XLA AOT sources, the two big libraries once only.
datas = collect_data_files("tensorflow", excludes=[
    "include", "xla_aot_runtime_src", "libtensorflow_framework.*", "libtensorflow_cc.*",
    "**/*.lib"])
hiddenimports = collect_submodules("tensorflow") + collect_submodules("keras",
                                                                   filter=lean.keep_module)
hiddenimports += ["ml_dtypes", "tensorflow-plugins"]
binaries = collect_dynamic_libs("tensorflow-plugins")
warn_on_missing_hiddenimports = False
# AutoGraph reads its own source (else a warning at every traced function).
module_collection_mode = {"tensorflow.python.autograph": "py+pyz"}


def _cuda_modules() -> list[str]:
    """The modules of the nvidia-* CUDA packages of TensorFlow's ``and-cuda`` extra that are
    installed under the names TensorFlow asks for (a GPU build)."""
    import packaging.requirements
    from _pyinstaller_hooks_contrib.utils import nvidia_cuda

    try:
        requires = metadata.distribution("tensorflow").requires or []
    except metadata.PackageNotFoundError:
        return []
    names = [r.name for r in map(packaging.requirements.Requirement, requires)
             if (r.marker is None or r.marker.evaluate({"extra": "and-cuda"}))
             and r.name.startswith("nvidia-") and _installed(r.name)]
    return nvidia_cuda.infer_hiddenimports_from_requirements(names)


def _installed(dist: str) -> bool:
    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return False
    return True


if is_linux:
    hiddenimports += _cuda_modules()
    # Links to these at the top of the bundle keep TensorFlow from finding CUDA's libraries.
    bindepend_symlink_suppression = ["**/libtensorflow_cc.so*", "**/libtensorflow_framework.so*",
                                     "**/_pywrap_tensorflow_internal.so"]
