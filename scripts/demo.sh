#!/usr/bin/env bash
# The main job on the embedded defaults: analyse the bundled real clip (5 side-view squats) and
# write the JSON result and an annotated video to ./demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p demo-output
.venv/bin/glutecoach analyze samples/squat_side_5reps.mp4 \
    --json demo-output/result.json --video demo-output/annotated.mp4 --csv demo-output/frames.csv
echo "Wrote demo-output/result.json, demo-output/annotated.mp4 and demo-output/frames.csv"
