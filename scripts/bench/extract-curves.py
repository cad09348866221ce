#!/usr/bin/env python3
"""Writes the replay data of a finished run folder to stdout: per trial its tuned parameters, how it ended, the
primary metric and seconds of every epoch (completed trials only), and its setup seconds (the trial's time outside its epochs: process
start, data loading, model building). Used by scripts/bench/record-curves.sh.
    extract-curves.py RUN_DIR COMMIT"""
import json
import os
import sys

run, commit = sys.argv[1], sys.argv[2]
table = json.load(open(os.path.join(run, "trials.json")))
summary = json.load(open(os.path.join(run, "summary.json")))
metric = table["primary_metric"]
trials = []
for t in table["trials"]:
    result_file = os.path.join(run, "trials", t["trial_id"], "result.json")
    result = json.load(open(result_file)) if os.path.exists(result_file) else {}
    if t["status"] != "completed":
        continue  # cancelled by the sweep's timeout: not a whole curve
    epochs = [{"epoch": e["epoch"], "value": e["metrics"][metric], "seconds": round(e["seconds"], 3)}
              for e in t.get("epochs", []) if metric in e.get("metrics", {})]
    total = result.get("seconds")
    setup = round(max(0.0, total - sum(e["seconds"] for e in epochs)), 3) if total is not None else None
    trials.append({"trial": t["trial_id"], "status": t["status"], "parameters": t["parameters"],
                   "setup_seconds": setup, "epochs": epochs})
json.dump({
    "recorded": {
        "command": "scripts/bench/record-curves.sh",
        "config": "scripts/bench/record-curves.yaml",
        "commit": commit,
        "run_id": summary.get("run_id"),
        "started_at": summary.get("started_at"),
        "finished_at": summary.get("finished_at"),
        "wall_seconds": summary.get("wall_seconds"),
    },
    "primary_metric": metric,
    "trials": trials,
}, sys.stdout, indent=1)
print()
