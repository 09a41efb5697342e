#!/usr/bin/env python3
"""Fails when the top-level modules of src/ import each other in a circle.

Reads every .rs file under src/, takes the top-level module it belongs to (src/x.rs or src/x/...)
and every `crate::y` path it names (in `use crate::...` trees, including `use crate::{a, b::c}`,
and in plain `crate::y::...` expressions), and builds the graph x -> y. Any cycle in that graph
is printed and the script exits 1. `lib.rs` (the composition root) and `main.rs` are left out:
they may import everything. Lines inside `#[cfg(test)]` modules count too: a test that needs a
circle is a sign the code needs one.

With `--core`, it also checks that the core modules listed in CORE import no feature.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
ROOTS = {"lib", "main"}
# The benchmark harness (src/bench/, behind the cargo feature `bench`) drives the whole service
# like lib.rs does: it may import anything, and only the harness itself and tests import it.
HARNESS = "bench"
# The modules that know no feature: everything a feature may build on.
CORE = {
    "accounts", "api", "audit", "config", "content_version", "csv", "db", "era", "error", "mail", "markdown",
    "pdf", "privacy", "private_fs", "reference", "schema", "test_seams", "time", "tokens", "validate",
    "web", "xlsx",
}


def top_module(path):
    rel = os.path.relpath(path, SRC)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def use_targets(tree):
    """Top-level names of a `use crate::<tree>;` body: `a::b`, `{a, b::c}`, `a`."""
    tree = tree.strip()
    if tree.startswith("{"):
        depth, part, names = 0, "", []
        for ch in tree[1:-1] if tree.endswith("}") else tree[1:]:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                names.append(part)
                part = ""
            else:
                part += ch
        names.append(part)
        out = set()
        for n in names:
            m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", n)
            if m and m.group(1) != "self":
                out.add(m.group(1))
        return out
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", tree)
    return {m.group(1)} if m else set()


def graph():
    # Only names that are top-level modules (src/x.rs, src/x/): `crate::some_macro!` and items
    # of lib.rs are not modules. A module that reaches into lib.rs is caught by rustc's
    # privacy rules soon enough; here it is reported as an edge to "lib".
    modules = {n[:-3] if n.endswith(".rs") else n for n in os.listdir(SRC)} - ROOTS
    edges = {}
    for dirpath, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            src_mod = top_module(path)
            if src_mod in ROOTS or src_mod == HARNESS:
                continue
            text = strip_comments(open(path, encoding="utf-8").read())
            targets = set()
            for m in re.finditer(r"\buse\s+crate::(\{.*?\}|[^;]*);", text, flags=re.S):
                targets |= use_targets(m.group(1))
            for m in re.finditer(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)", text):
                targets.add(m.group(1))
            for t in targets:
                if t != src_mod and t in modules:
                    edges.setdefault(src_mod, {}).setdefault(t, set()).add(
                        os.path.relpath(path, os.path.join(SRC, ".."))
                    )
    return edges


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(set(edges) | {w for t in edges.values() for w in t}):
        if v not in index:
            visit(v)
    return out


def main():
    edges = graph()
    failed = False
    for comp in cycles(edges):
        failed = True
        print("import circle between top-level modules: " + " <-> ".join(comp), file=sys.stderr)
        members = set(comp)
        for a in comp:
            for b, files in sorted(edges.get(a, {}).items()):
                if b in members:
                    print(f"  {a} -> {b}: {', '.join(sorted(files))}", file=sys.stderr)
    for a in sorted(CORE):
        for b, files in sorted(edges.get(a, {}).items()):
            if b not in CORE:
                failed = True
                print(f"core module {a} imports feature {b}: {', '.join(sorted(files))}", file=sys.stderr)
    if failed:
        sys.exit(1)
    print(f"no import circle between the {len(set(edges) | {w for t in edges.values() for w in t})} top-level modules of src/; the core imports no feature")


if __name__ == "__main__":
    main()
