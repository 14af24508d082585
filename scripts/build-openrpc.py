#!/usr/bin/env python3
"""Builds protocol/openrpc.json from protocol/openrpc.base.json and protocol/methods/*.json.

Each methods file holds a JSON array of OpenRPC method objects; methods are sorted by name.
Shared schemas live in openrpc.base.json under components.schemas; error objects under
components.errors may be referenced as {"$ref": "#/components/errors/NAME"}.
"""
import glob
import json
import os
import sys

root = os.path.join(os.path.dirname(__file__), "..", "protocol")
with open(os.path.join(root, "openrpc.base.json")) as f:
    document = json.load(f)
methods = []
seen = set()
for path in sorted(glob.glob(os.path.join(root, "methods", "*.json"))):
    with open(path) as f:
        for method in json.load(f):
            if method["name"] in seen:
                sys.exit(f"{path}: method {method['name']} documented twice")
            seen.add(method["name"])
            methods.append(method)
document["methods"] = sorted(methods, key=lambda m: m["name"])
with open(os.path.join(root, "openrpc.json"), "w") as f:
    json.dump(document, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"protocol/openrpc.json: {len(methods)} methods")
