#!/usr/bin/env python3
"""Lists import circles between the modules of src/tui: module A uses B when A's file names
`super::B`, `crate::tui::B` (or, inside a folder module, `super::super::B`)."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'src/tui'
mods = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith('.rs'): continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)[:-3].split(os.sep)
        if rel[-1] == 'mod': rel = rel[:-1]
        mods['::'.join(rel) or 'tui'] = open(path).read()
top = {m.split('::')[0] for m in mods if m != 'tui'}
def owner(m):  # top-level module a file belongs to
    return m.split('::')[0]
edges = {}
for m, src in mods.items():
    src = src.split('#[cfg(test)]')[0]
    a = owner(m)
    deps = set()
    for name in re.findall(r'crate::tui::(\w+)', src): deps.add(name)
    depth = len(m.split('::')) if m != 'tui' else 0
    # `super::X` from a top-level file is a sibling; from a nested file, super is its parent.
    for sup, name in re.findall(r'((?:super::)+)(\w+)', src):
        n = sup.count('super::')
        if n == depth: deps.add(name)
        elif n < depth: deps.add(m.split('::')[depth - n - 1] if False else a)  # inside own folder
    if src.startswith('use super::*'): pass
    for d in deps:
        if d in top and d != a:
            edges.setdefault(a, set()).add(d)
# find cycles (DFS)
cycles, state, stack = [], {}, []
def dfs(u):
    state[u] = 1; stack.append(u)
    for v in sorted(edges.get(u, ())):
        if state.get(v) == 1: cycles.append(stack[stack.index(v):] + [v])
        elif not state.get(v): dfs(v)
    stack.pop(); state[u] = 2
for u in sorted(edges):
    if not state.get(u): dfs(u)
for c in cycles: print(' -> '.join(c))
print(f'{len(cycles)} circle(s) among {len(top)} modules')
