#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""callgraph.py: which file of the module calls which, and whether that is allowed.

Usage: callgraph.py [--print] OBJDIR

OBJDIR is a module build (the objects of module/core/*.o and
module/dev/*.o under it).  A file depends on another when it uses a symbol
the other defines (nm: U in one, T/D/B/R in the other).  The rules:

- core/ depends on nothing in dev/ (the core is pure data-structure code);
- within one layer the dependencies form no cycle: each file sits on the
  files below it, never beside them in a loop.

Each violation is printed as "callgraph: LAYER: a.o -> b.o (symbol)" and the
exit status is 1; --print also prints the whole graph.
"""

import os
import subprocess
import sys

LAYERS = ("core", "dev")


def symbols(path):
    """(defined, undefined) global symbols of an object file."""
    out = subprocess.run(["nm", path], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRWV":
            defined.add(parts[2])
    return defined, undefined


def load(objdir):
    files = {}
    for layer in LAYERS:
        d = os.path.join(objdir, "module", layer)
        if not os.path.isdir(d):
            sys.exit(f"callgraph.py: {d}: no such directory; build the module first")
        for name in sorted(os.listdir(d)):
            if name.endswith(".o") and not name.endswith(".mod.o"):
                files[f"{layer}/{name}"] = symbols(os.path.join(d, name))
    return files


def graph(files):
    owner = {}
    for f, (defined, _) in files.items():
        for s in defined:
            owner.setdefault(s, f)
    edges = {}
    for f, (_, undefined) in files.items():
        for s in sorted(undefined):
            g = owner.get(s)
            if g and g != f:
                edges.setdefault(f, {}).setdefault(g, s)
    return edges


def cycles(nodes, edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in nodes:
                continue
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

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    show = "--print" in argv
    args = [a for a in argv if a != "--print"]
    if len(args) != 1:
        sys.exit(__doc__.strip().splitlines()[2])
    files = load(args[0])
    edges = graph(files)
    bad = 0
    if show:
        for f in sorted(edges):
            for g, s in sorted(edges[f].items()):
                print(f"{f} -> {g} ({s})")
    for f in sorted(edges):
        if not f.startswith("core/"):
            continue
        for g, s in sorted(edges[f].items()):
            if not g.startswith("core/"):
                print(f"callgraph: core calls the glue: {f} -> {g} ({s})")
                bad += 1
    for layer in LAYERS:
        nodes = {f for f in files if f.startswith(layer + "/")}
        for comp in cycles(nodes, edges):
            links = [f"{a} -> {b} ({edges[a][b]})" for a in comp
                     for b in sorted(edges.get(a, {})) if b in comp]
            print(f"callgraph: {layer}: a cycle through {', '.join(comp)}: "
                  + "; ".join(links))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
