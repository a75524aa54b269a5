"""The code graph over parsed files: modules, definitions by name, import and call edges.

Edges are resolved by name, which is cheap and good enough for ranking and context:
an import edge joins a file to the repository module it names; a call edge joins a
definition to the definitions that share the called name, preferring the same file and
the files it imports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property

from retrieval.parse import ParsedFile, Symbol

_BASES = re.compile(r"(?<![=\w.])([A-Za-z_][\w.]*)\s*(?=[,)])")

SymbolRef = tuple[str, str]
"""(path, uid): the uid is the qualname, suffixed on repeated definitions (see parse.Symbol.uid)."""


def module_names(path: str) -> list[str]:
    """Dotted module names a file can be imported as (``src/`` and ``lib/`` layouts included)."""
    stem = path.rsplit(".", 1)[0]
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts)] if parts else []
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        names.append(".".join(parts[1:]))
    return names


class CodeGraph:
    """Read-only views over a dict of parsed files (path -> ParsedFile)."""

    def __init__(self, files: dict[str, ParsedFile]):
        self.files = files
        self.module_to_path: dict[str, str] = {}
        self.defs_by_name: dict[str, list[SymbolRef]] = defaultdict(list)
        self._symbol_tables: dict[str, dict[str, Symbol]] = {}
        for path, parsed in files.items():
            for mod in module_names(path):
                self.module_to_path.setdefault(mod, path)
            for sym in parsed.symbols:
                self.defs_by_name[sym.name].append((path, sym.uid))

    def symbol(self, path: str, qualname: str) -> Symbol | None:
        """The symbol with this uid in ``path``, else the first with this qualname (ParsedFile.symbol), by a
        per-file table: ranking asks for thousands per query, and a scan of the file's symbols each time
        was a third of a sympy query."""
        table = self._symbol_tables.get(path)
        if table is None:
            parsed = self.files.get(path)
            if parsed is None:
                return None
            table = {}
            for sym in reversed(parsed.symbols):  # the first of a repeated qualname wins
                table[sym.qualname] = sym
            table.update((s.uid, s) for s in parsed.symbols)
            self._symbol_tables[path] = table
        return table.get(qualname)

    def resolve_import(self, path: str, module: str, names: list[str]) -> list[str]:
        """Repository files an import in ``path`` refers to (the module, or submodules named in it)."""
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            package = module_names(path)[0].split(".")
            if not path.endswith("__init__.py"):
                package = package[:-1]
            base = package[: len(package) - (level - 1)] if level > 1 else package
            module = ".".join([*base, module.lstrip(".")] if module.lstrip(".") else base)
        found = []
        for candidate in [module, *(f"{module}.{n}" for n in names if n != "*")]:
            target = self.module_to_path.get(candidate)
            if target and target != path:
                found.append(target)
        return found

    @cached_property
    def imports(self) -> dict[str, set[str]]:
        """path -> repository files it imports."""
        out: dict[str, set[str]] = {}
        for path, parsed in self.files.items():
            out[path] = {t for imp in parsed.imports for t in self.resolve_import(path, imp.module, imp.names)}
        return out

    @cached_property
    def importers(self) -> dict[str, set[str]]:
        """path -> repository files that import it."""
        out: dict[str, set[str]] = defaultdict(set)
        for src, targets in self.imports.items():
            for t in targets:
                out[t].add(src)
        return out

    @cached_property
    def subclasses(self) -> dict[str, list[SymbolRef]]:
        """Base class name -> classes that name it among their bases (resolved by name, like calls)."""
        out: dict[str, list[SymbolRef]] = defaultdict(list)
        for path, parsed in self.files.items():
            for sym in parsed.symbols:
                if sym.kind == "class" and "(" in sym.signature:
                    for base in _BASES.findall(sym.signature.split("(", 1)[1]):
                        out[base.rsplit(".", 1)[-1]].append((path, sym.uid))
        return out

    @cached_property
    def classes_by_lower(self) -> dict[str, list[SymbolRef]]:
        """Lower-cased class name -> the classes of that name (prose names a class in lower case: 'blueprint')."""
        out: dict[str, list[SymbolRef]] = defaultdict(list)
        for path, parsed in self.files.items():
            for sym in parsed.symbols:
                if sym.kind == "class":
                    out[sym.name.lower()].append((path, sym.uid))
        return out

    @cached_property
    def paths_by_stem(self) -> dict[str, list[str]]:
        """A module's last name part, lower-cased -> its files (``blueprints`` -> src/flask/blueprints.py)."""
        out: dict[str, list[str]] = defaultdict(list)
        for path in self.files:
            names = module_names(path)
            if names:
                out[names[0].rsplit(".", 1)[-1].lower()].append(path)
        return out

    def neighbours(self, path: str) -> set[str]:
        return self.imports.get(path, set()) | self.importers.get(path, set())

    def callees(self, path: str, qualname: str, limit: int = 8) -> list[SymbolRef]:
        """Definitions the symbol calls, nearest first (same file, then imported files, then anywhere)."""
        sym = self.symbol(path, qualname)
        if sym is None:
            return []
        near = self.imports.get(path, set())
        out: list[SymbolRef] = []
        for name in sym.calls:
            refs = self.defs_by_name.get(name, [])
            if len(refs) > 5:  # a common name (e.g. 'get'): ambiguous, keep only local matches
                refs = [r for r in refs if r[0] == path or r[0] in near]
            out.extend(sorted(refs, key=lambda r: (r[0] != path, r[0] not in near)))
        return _unique(out, exclude=(path, qualname))[:limit]

    def callers(self, path: str, qualname: str, limit: int = 8) -> list[SymbolRef]:
        """Definitions that call the symbol's name, from this file and files importing it first."""
        sym = self.symbol(path, qualname)
        name = sym.name if sym else qualname.rsplit(".", 1)[-1]
        near = {path} | self.importers.get(path, set())
        out = []
        for p in sorted(near) + sorted(set(self.files) - near):
            out.extend((p, s.uid) for s in self.files[p].symbols if name in s.calls)
            if len(out) >= limit * 2:
                break
        return _unique(out, exclude=(path, qualname))[:limit]


def _unique(refs: list[SymbolRef], exclude: SymbolRef) -> list[SymbolRef]:
    seen = {exclude}
    out = []
    for r in refs:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out
