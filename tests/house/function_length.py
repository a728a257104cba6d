#!/usr/bin/env python3
"""function_length.py [--max N] PATH...: no function longer than N lines.

Each PATH is a file or a folder (its *.py, *.sh and *.c files, and those of
its subfolders).
Python functions and methods are measured with the ast module (end_lineno -
lineno + 1, decorators not counted); shell functions from their `name() {`
line (or `function name {`) to the matching `}` at the same indent, both
lines counted (a function on one line is 1 line long); C functions (this
project's style: the opening brace alone at column 0) from the first line of
their signature to the closing brace at column 0.

Exit status: 0 every function fits, 1 one or more is longer than N (each
named with its file, line and length) or a shell function has no closing
brace, 2 usage error or a file that cannot be read or parsed.
"""

import argparse
import ast
import os
import re
import sys

DEFAULT_MAX = 60

# `name() {`, `function name() {`, `function name {`; group 1 is the indent,
# group 2 the name, group 3 what follows the opening brace.
SHELL_START = re.compile(
    r"^([ \t]*)(?:function[ \t]+([A-Za-z_][\w:.-]*)(?:[ \t]*\(\))?|([A-Za-z_][\w:.-]*)[ \t]*\(\))"
    r"[ \t]*\{(.*)$")


def python_functions(path, text):
    """(name, first line, length) of every function and method in a file."""
    tree = ast.parse(text, filename=path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((node.name, node.lineno, node.end_lineno - node.lineno + 1))
    return sorted(found, key=lambda f: f[1])


def one_line_body(rest):
    """True when the text after a function's `{` closes it on the same line."""
    return rest.rstrip().endswith("}")


def shell_functions(lines):
    """(name, first line, length) of every shell function; length None when
    no closing brace at the function's indent follows."""
    found = []
    for i, line in enumerate(lines):
        m = SHELL_START.match(line)
        if not m:
            continue
        indent, name, rest = m.group(1), m.group(2) or m.group(3), m.group(4)
        if one_line_body(rest):
            found.append((name, i + 1, 1))
            continue
        close = re.compile("^" + re.escape(indent) + r"\}(?:[ \t].*)?$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        found.append((name, i + 1, None if end is None else end - i + 1))
    return found


def c_functions(lines):
    """(name, first line, length) of every C function whose body opens with
    a `{` alone at column 0; length None when no `}` at column 0 follows."""
    found = []
    for i, line in enumerate(lines):
        if line.rstrip() != "{":
            continue
        start = i - 1  # the signature: back to its first line at column 0
        while start > 0 and (not lines[start] or lines[start][0].isspace()):
            start -= 1
        while start > 0 and re.match(r"[A-Za-z_]", lines[start - 1]) and \
                not lines[start - 1].rstrip().endswith((";", "}", "*/", ")")):
            start -= 1  # a return type on a line of its own
        m = re.search(r"([A-Za-z_]\w*)\s*\(", " ".join(lines[start:i]))
        name = m.group(1) if m else "?"
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("}")), None)
        found.append((name, start + 1, None if end is None else end - start + 1))
    return found


def files_of(paths):
    """The files to check: the files named, and the *.py, *.sh and *.c of
    folders and their subfolders."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                out += sorted(os.path.join(root, f) for f in files
                              if f.endswith((".py", ".sh", ".c")))
        else:
            out.append(p)
    return out


def functions_of(path):
    """The functions of one file, by its extension (.py: Python, .c: C, else shell)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".py"):
        return python_functions(path, text)
    if path.endswith(".c"):
        return c_functions(text.splitlines())
    return shell_functions(text.splitlines())


def main(argv):
    ap = argparse.ArgumentParser(prog="function_length.py",
                                 description="Fails when a function is longer than --max lines.")
    ap.add_argument("--max", type=int, default=DEFAULT_MAX,
                    help=f"longest function allowed, in lines (default {DEFAULT_MAX})")
    ap.add_argument("--max-file", type=int, default=0, metavar="N",
                    help="also: no file longer than N lines (default: files not checked)")
    ap.add_argument("paths", nargs="+", metavar="PATH", help="a file, or a folder of *.py, *.sh and *.c")
    a = ap.parse_args(argv)
    files = files_of(a.paths)
    if not files:
        ap.error("no *.py, *.sh or *.c file in " + " ".join(a.paths))
    bad = checked = 0
    for path in files:
        try:
            funcs = functions_of(path)
        except (OSError, UnicodeDecodeError, SyntaxError) as e:
            print(f"function_length: {path}: cannot read it: {e}", file=sys.stderr)
            return 2
        if a.max_file:
            with open(path, encoding="utf-8") as f:
                nlines = sum(1 for _ in f)
            if nlines > a.max_file:
                print(f"{path}: {nlines} lines long (at most {a.max_file})")
                bad += 1
        for name, line, length in funcs:
            checked += 1
            if length is None:
                print(f"{path}:{line}: {name}() has no closing '}}' at its own indent")
                bad += 1
            elif length > a.max:
                print(f"{path}:{line}: {name}() is {length} lines long (at most {a.max})")
                bad += 1
    if bad:
        print(f"function_length: {bad} functions or files of {checked} functions in "
              f"{len(files)} files too long or unterminated", file=sys.stderr)
        return 1
    print(f"function_length: all {checked} functions in {len(files)} files are at most "
          f"{a.max} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
