#!/usr/bin/env python3
"""The layering check: every #include "..." in host/ must point to the same
layer or one below it, never up (README, "Layout"). Layers, lowest first:

    base < io < workloads < backends < ranks < measure < report < cli < main.c

host/backends/ is one layer with rooms: backend.h/backend.c (the interface
and the registry) and one folder per backend (cpu/, opencl/, ...). A backend
folder may include the interface and the layers below, never another
backend's folder; nothing above the backends includes a backend folder's
headers (commands ask the interface). Generated headers (offload_kernels.h,
backend_registry.inc, git_commit.h) belong to the folder that uses them.

Usage: layering.py HOST_DIR. Prints each upward include and exits 1 when
there is one; exits 0 with a one-line summary otherwise."""
import os
import re
import sys

LAYERS = ["base", "io", "workloads", "backends", "ranks", "measure", "report", "cli", "main"]
GENERATED = {"offload_kernels.h": "backends/opencl", "backend_registry.inc": "backends",
             "git_commit.h": "base"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def room_of(rel):
    """'backends/opencl/run.c' -> 'backends/opencl'; 'cli/cli.c' -> 'cli'."""
    parts = rel.split("/")
    if len(parts) == 1:
        return "main"
    if parts[0] == "backends" and len(parts) > 2:
        return "backends/" + parts[1]
    return parts[0]


def layer_of(room):
    return LAYERS.index(room.split("/")[0])


def main(host):
    headers = {}  # basename -> room
    sources = []
    for root, _, files in os.walk(host):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(root, name), host)
            sources.append(rel)
            if name.endswith(".h"):
                if name in headers:
                    print(f"layering: two headers named {name}: {headers[name]} and {room_of(rel)}")
                    return 1
                headers[name] = room_of(rel)
    headers.update(GENERATED)
    upward = []
    checked = 0
    for rel in sorted(sources):
        room = room_of(rel)
        with open(os.path.join(host, rel), encoding="utf-8") as f:
            text = f.read()
        for target in INCLUDE.findall(text):
            name = os.path.basename(target)
            if name not in headers:
                upward.append(f"{rel}: includes \"{target}\", which is not in {host}")
                continue
            checked += 1
            to = headers[name]
            if to == room:
                continue
            if layer_of(to) > layer_of(room):
                upward.append(f"{rel} ({room}) includes {name} from {to}, a higher layer")
            elif to.startswith("backends/") and room != to:
                what = "another backend's room" if room.startswith("backends/") else \
                    "a backend's room (ask the interface, backend.h)"
                upward.append(f"{rel} ({room}) includes {name} from {to}, {what}")
    for line in upward:
        print("layering: " + line)
    if upward:
        print(f"layering: {len(upward)} include(s) break the layers "
              f"({' < '.join(LAYERS)})")
        return 1
    print(f"layering: {checked} includes in {len(sources)} files point down or sideways "
          f"within a room ({' < '.join(LAYERS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "host"))
