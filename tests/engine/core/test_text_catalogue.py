"""The text catalogue (``resources/help/*.toml``) and the code that reads it agree.

The test reads the source of ``engine/`` and ``gui/`` (it imports none of it) and finds
every call of ``text()`` and of the wrappers around it (functions such as
``gui_text(key)`` that return ``text(f"gui.{key}")``; they are found, not listed here).

* A literal key, ``text("vault.locked")`` or ``gui_text("menu.file")``, must exist.
* A computed key, ``text(f"final_stats.method_{method}")``, must be declared in the same
  file (or in the file of the wrapper it calls) by a comment that lists the keys it can be,
  unless string literals of its file fill it in (see below), e.g.
  ``# text keys: final_stats.method_{wilson,clopper_pearson}`` (braces list the choices,
  as in a shell); every declared key must exist and at least one must fit the call.
* ``make_finding("code", severity, column, "section", fix=...)`` (engine/data/findings.py)
  uses ``section.code`` and its fix text (``section.code_fix`` unless ``fix`` says otherwise).
* A string literal that is a whole key (``key = "goal.guess_binary"``) counts as a use, and
  so do the keys a computed key becomes with the string literals of its file filled in.
* Every key of the catalogue is used: found in one of these ways, or declared.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

from engine.core import texts

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = ("engine", "gui")
DECLARATION = re.compile(r"#\s*text keys:\s*(.+)$")
# A working scanner finds well over this many keys; a broken one finds far fewer.
MIN_LITERAL_KEYS = 1000
# Functions that build two keys from a finding's code, section and fix (see _finding_keys).
FINDING_MAKERS = {("engine.data.findings", "make_finding"): "data",
                  ("engine.data.findings", "_finding"): "data"}


def expand(pattern: str) -> list[str]:
    """``a.{b,c}_{d,e}`` -> ``a.b_d, a.b_e, a.c_d, a.c_e``."""
    parts = re.split(r"(\{[^{}]*\})", pattern)
    choices = [p[1:-1].split(",") if p.startswith("{") else [p] for p in parts]
    return ["".join(c.strip() for c in combo) for combo in itertools.product(*choices)]


def declared_in(source: str) -> list[str]:
    keys: list[str] = []
    for line in source.splitlines():
        match = DECLARATION.search(line)
        if match:
            for item in re.split(r"[\s,]+(?![^{]*\})", match.group(1).strip()):
                if item:
                    keys.extend(expand(item))
    return keys


class Site:
    """One call of ``text()`` or a wrapper: a literal key, or a pattern of a computed one."""

    def __init__(self, path: Path, line: int, key: str | None, pattern: str | None,
                 home: Path | None) -> None:
        self.path, self.line, self.key, self.pattern = path, line, key, pattern
        self.home = home  # the file of the wrapper called, which may declare its keys
        self.resolved: set[str] = set()  # keys built from string literals near the call

    def __repr__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parse_all() -> dict[Path, ast.Module]:
    trees = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            trees[path] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return trees


def _key_parts(node: ast.expr) -> list[str | None] | None:
    """A key expression as literal pieces and ``None`` for computed ones."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        out: list[str | None] = []
        for value in node.values:
            out.extend(_key_parts(value) or [None])
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _key_parts(node.left), _key_parts(node.right)
        return (left or [None]) + (right or [None])
    return None


class Scanner:
    def __init__(self) -> None:
        self.trees = _parse_all()
        self.modules = {_module_name(p): p for p in self.trees}
        # (module, function) -> the prefix the wrapper puts before its first argument
        self.wrappers: dict[tuple[str, str], str] = {("engine.core.texts", "text"): ""}
        self.forwarding: set[int] = set()  # the calls by which wrappers pass their key on
        self._imported: dict[str, dict[str, tuple[str, str]]] = {}  # module -> its names
        self._find_wrappers()

    def _imports(self, tree: ast.Module, module: str) -> dict[str, tuple[str, str]]:
        """The names a module binds by import, def or front door (read once per module)."""
        if module not in self._imported:
            self._imported[module] = self._read_imports(tree, module)
        return self._imported[module]

    def _read_imports(self, tree: ast.Module, module: str) -> dict[str, tuple[str, str]]:
        names: dict[str, tuple[str, str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    names[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name] = (alias.name, "")
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                names[node.name] = (module, node.name)
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1
                  and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "_EXPORTS"):
                # a package's lazy front door: {"submodule": ("name", ...)}
                for sub, exported in ast.literal_eval(node.value).items():
                    for name in exported:
                        names[name] = (f"{module}.{sub}", name)
        return names

    def _resolve(self, target: tuple[str, str]) -> tuple[str, str] | None:
        """The wrapper ``target`` is, following re-exports of packages."""
        module, name = target
        for _ in range(5):
            if (module, name) in self.wrappers:
                return module, name
            path = self.modules.get(module)
            if path is None:
                return None
            imported = self._imports(self.trees[path], module).get(name)
            if imported is None or imported == (module, name):
                return None
            module, name = imported
        return None

    def prefix_of(self, call: ast.Call, names: dict[str, tuple[str, str]]) -> str | None:
        wrapper = self.wrapper_of(call, names)
        return None if wrapper is None else self.wrappers[wrapper]

    def wrapper_of(self, call: ast.Call, names: dict[str, tuple[str, str]]):
        func = call.func
        if isinstance(func, ast.Name) and func.id in names:
            return self._resolve(names[func.id])
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module, name = names.get(func.value.id, ("", ""))  # words.caption(...)
            return self._resolve((f"{module}.{name}" if name else module, func.attr))
        return None

    def _wrapped(self, fn: ast.FunctionDef, names) -> str | None:
        """The prefix if ``fn`` only passes its first argument, prefixed, to a text call."""
        if not fn.args.args:
            return None
        param = fn.args.args[0].arg
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            outer = self.prefix_of(node, names)
            parts = _key_parts(node.args[0])
            arg = node.args[0]
            if outer is None:
                continue
            if isinstance(arg, ast.Name) and arg.id == param:
                self.forwarding.add(id(node))
                return outer
            if (isinstance(arg, ast.JoinedStr) and len(arg.values) == 2 and parts
                    and isinstance(parts[0], str)
                    and isinstance(arg.values[1], ast.FormattedValue)
                    and isinstance(arg.values[1].value, ast.Name)
                    and arg.values[1].value.id == param):
                self.forwarding.add(id(node))
                return outer + parts[0]
        return None

    def _find_wrappers(self) -> None:
        changed = True
        while changed:
            changed = False
            for path, tree in self.trees.items():
                module = _module_name(path)
                names = self._imports(tree, module)
                for node in tree.body:
                    if isinstance(node, ast.FunctionDef) and (module, node.name) not in self.wrappers:
                        prefix = self._wrapped(node, names)
                        if prefix is not None:
                            self.wrappers[(module, node.name)] = prefix
                            changed = True

    def sites(self, catalogue: dict[str, str]) -> list[Site]:
        out = []
        for path, tree in self.trees.items():
            module = _module_name(path)
            names = self._imports(tree, module)
            file_words = _words(tree)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and node.args) or id(node) in self.forwarding:
                    continue
                maker = self._maker(node, names)
                if maker is not None:
                    out.extend(Site(path, node.lineno, key, None, None)
                               for key in _finding_keys(node, FINDING_MAKERS[maker]))
                    continue
                wrapper = self.wrapper_of(node, names)
                if wrapper is None:
                    continue
                prefix, home = self.wrappers[wrapper], self.modules.get(wrapper[0])
                for arg in _choices(node.args[0]):
                    out.append(self._site(path, node, arg, prefix, home, file_words, catalogue))
        return out

    def _maker(self, call: ast.Call, names) -> tuple[str, str] | None:
        func = call.func
        if isinstance(func, ast.Name) and func.id in names:
            target = names[func.id]
            for _ in range(5):
                if target in FINDING_MAKERS:
                    return target
                path = self.modules.get(target[0])
                if path is None:
                    return None
                nxt = self._imports(self.trees[path], target[0]).get(target[1])
                if nxt is None or nxt == target:
                    return None
                target = nxt
        return None

    @staticmethod
    def _site(path, node, arg, prefix, home, file_words, catalogue) -> Site:
        parts = _key_parts(arg)
        if parts is not None and all(isinstance(p, str) for p in parts):
            return Site(path, node.lineno, prefix + "".join(parts), None, home)
        pieces = parts or [None]
        regex = re.escape(prefix) + "".join(
            re.escape(p) if isinstance(p, str) else ".+" for p in pieces)
        site = Site(path, node.lineno, None, regex, home)
        site.resolved = _fill(prefix, pieces, file_words, catalogue)
        return site


def _finding_keys(call: ast.Call, default_section: str) -> list[str]:
    """The message and fix keys of a literal ``make_finding(code, severity, column,
    section, fix=...)``; none when the code is not a literal (the helpers that pass it on)."""
    code = call.args[0]
    if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
        return []
    args = {kw.arg: kw.value for kw in call.keywords}
    section_node = call.args[3] if len(call.args) > 3 else args.get("section")
    section = section_node.value if isinstance(section_node, ast.Constant) else default_section
    keys = [f"{section}.{code.value}"]
    fixes = _choices(args["fix"]) if "fix" in args else [ast.Constant(None)]
    for fix in fixes:
        if isinstance(fix, ast.Constant) and fix.value is None:
            keys.append(f"{section}.{code.value}_fix")
        elif isinstance(fix, ast.Constant) and isinstance(fix.value, str):
            keys.append(fix.value if "." in fix.value else f"{section}.{fix.value}")
    return keys


def _choices(node: ast.expr) -> list[ast.expr]:
    """``"a" if x else "b"`` is two keys."""
    if isinstance(node, ast.IfExp):
        return _choices(node.body) + _choices(node.orelse)
    return [node]


def _words(node: ast.AST) -> set[str]:
    """The string literals in ``node`` that could be (part of) a key."""
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and re.fullmatch(r"[A-Za-z0-9_.]+", n.value)}


def _fill(prefix: str, pieces: list[str | None], words: set[str], catalogue) -> set[str]:
    """The existing keys a computed key becomes when its holes take the literals ``words``
    of its file (``for c in ("share", "rows"): t(f"col_{c}")`` resolves to ``col_share,
    col_rows``; ``gui_text(key)`` resolves to ``gui.<w>`` for each literal ``w``)."""
    holes = sum(p is None for p in pieces)
    if holes > 2:
        return set()
    found = set()
    for combo in itertools.product(sorted(words), repeat=holes):
        fill = iter(combo)
        key = prefix + "".join(p if isinstance(p, str) else next(fill) for p in pieces)
        if key in catalogue:
            found.add(key)
    return found


@pytest.fixture(scope="module")
def scan():
    scanner = Scanner()
    sites = scanner.sites(texts._catalogue())
    declared = {path: declared_in(path.read_text(encoding="utf-8")) for path in scanner.trees}
    return scanner, sites, declared


def test_the_scanner_finds_the_wrappers_and_many_keys(scan):
    scanner, sites, _ = scan
    prefixes = set(scanner.wrappers.values())
    assert {"", "gui.", "report."} <= prefixes, scanner.wrappers
    literal = {s.key for s in sites if s.key is not None}
    assert len(literal) > MIN_LITERAL_KEYS, len(literal)


def test_every_literal_key_exists(scan):
    _, sites, _ = scan
    catalogue = texts._catalogue()
    missing = [f"{s}: {s.key}" for s in sites if s.key is not None and s.key not in catalogue]
    assert not missing, "keys used in the code but missing from resources/help:\n" + "\n".join(missing)


def test_every_declared_key_exists(scan):
    _, _, declared = scan
    catalogue = texts._catalogue()
    missing = [f"{path.relative_to(ROOT)}: {key}" for path, keys in declared.items()
               for key in keys if key not in catalogue]
    assert not missing, "keys declared by '# text keys:' but missing:\n" + "\n".join(missing)


def test_every_computed_key_is_declared_next_to_its_code(scan):
    _, sites, declared = scan
    bare = [f"{s}: {s.pattern}" for s in sites if s.key is None and not s.resolved
            and not any(re.fullmatch(s.pattern, key)
                        for key in declared[s.path] + declared.get(s.home, []))]
    assert not bare, ("computed text keys with no '# text keys: ...' declaration in their "
                      "file that fits them:\n" + "\n".join(bare))


def test_every_key_in_the_catalogue_is_used(scan):
    scanner, sites, declared = scan
    used = {s.key for s in sites if s.key is not None}
    used |= {key for keys in declared.values() for key in keys}
    used |= {key for s in sites for key in s.resolved}
    used |= {w for tree in scanner.trees.values() for w in _words(tree)}  # whole keys
    unused = sorted(set(texts._catalogue()) - used)
    assert not unused, ("texts nobody asks for (delete them, or declare the computed keys "
                        "with '# text keys: ...'):\n" + "\n".join(unused))


def test_a_key_in_the_wrong_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "gui.toml").write_text('[gui.menu]\nfile = "&File"\n', encoding="utf-8")
    (tmp_path / "vault.toml").write_text('[gui.menu]\nopen = "&Open"\n', encoding="utf-8")
    monkeypatch.setattr(texts, "HELP_DIR", tmp_path)
    texts._catalogue.cache_clear()
    try:
        with pytest.raises(texts.TextFileError, match="'gui.menu.open' is in vault.toml but "
                                                      "belongs in gui.toml"):
            texts._catalogue()
    finally:
        texts._catalogue.cache_clear()


def test_a_more_specific_file_takes_its_keys(tmp_path, monkeypatch):
    (tmp_path / "gui.toml").write_text('[gui.tune]\ntitle = "Tune"\n', encoding="utf-8")
    (tmp_path / "gui.tune.toml").write_text('[gui.tune]\nintro = "…"\n', encoding="utf-8")
    monkeypatch.setattr(texts, "HELP_DIR", tmp_path)
    texts._catalogue.cache_clear()
    try:
        with pytest.raises(texts.TextFileError, match="belongs in gui.tune.toml"):
            texts._catalogue()
    finally:
        texts._catalogue.cache_clear()


def test_the_declaration_syntax():
    assert expand("a.{b,c}_{d,e}") == ["a.b_d", "a.b_e", "a.c_d", "a.c_e"]
    assert declared_in("x = 1  # text keys: a.b, c.{d, e} f.g\n") == ["a.b", "c.d", "c.e", "f.g"]
