#!/usr/bin/env bash
# The public benchmark: a UEA multivariate set (default JapaneseVowels, from
# aeon's wheel on PyPI) converted by examples/uea_to_tfrecords.py, trained by
# `python -m legacy_pipeline.train` with the same flags on
#   TF 2.x (this library's state saver and cells),
#   TF 1.15 (this library's state saver and cells),
#   TF 1.15 (the real tf.contrib state saver and TF's own cells),
# for several seeds, each picking its checkpoint on a validation split and
# reporting held-out TEST accuracy.  Prints a table; writes
# benchmarks/uea_results.json.
#
#   bash benchmarks/uea.sh [--seeds "0 1 2 3 4"] [--dataset NAME] [--out DIR]
#
# Interpreters: the tox envs of the test matrix (made by
# `bash scripts/test_matrix.sh --notest` if missing), or PY_TF2 / PY_TF1.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="0 1 2 3 4"; dataset="JapaneseVowels"; out="${TMPDIR:-/tmp}/legacy_pipeline_uea"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --dataset) dataset="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
py2="${PY_TF2:-.tox/py311-tf221-keras3/bin/python}"
py1="${PY_TF1:-.tox/py37-tf115/bin/python}"
if [ ! -x "$py2" ] || [ ! -x "$py1" ]; then
  bash scripts/test_matrix.sh --notest
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
data="$out/data/$dataset"
if [ ! -f "$data/meta.json" ]; then
  "$py2" examples/uea_to_tfrecords.py --dataset "$dataset" --out "$data" \
    2> >(grep -v "^I0000\|^WARNING: All log messages" >&2)
fi
read -r dims classes < <("$py2" -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['dimensions'], m['num_classes'])" "$data/meta.json")
# One network for every run: 1 LSTM layer of 32 units over 10-step
# segments, dropout 0.2, a 32-unit ReLU layer; Adam 0.005 decayed 10x over
# the run; the loss on each sequence's last step; checkpoints every 200
# steps, the best on the validation split kept, stop after 8 evaluations
# without improvement.  (Evaluation always reads through this library's
# saver: contrib's can stall at the end of a finite input.)
flags=(--train-files "$data/train.tfrecords" --eval-files "$data/valid.tfrecords"
       --test-files "$data/test.tfrecords" --sequence-feature x
       --feature-shape "$dims" --label-context label --num-classes "$classes"
       --num-unroll 10 --batch-size 16 --lstm-size 32 --keep-prob 0.8
       --learning-rate 0.005 --lr-decay exponential --loss-on last --steps 4000
       --checkpoint-every-steps 200 --eval-every-steps 200
       --early-stop-patience 8 --log-every 100000 --input queue)
runs=()
for seed in $seeds; do
  for variant in "tf2 inhouse $py2" "tf1 inhouse $py1" "tf1 contrib $py1"; do
    set -- $variant
    name="$1-$2-seed$seed"; dir="$out/runs/$name"; rm -rf "$dir"
    echo "== $name"
    "$3" -m legacy_pipeline.train "${flags[@]}" --backend "$2" --seed "$seed" \
      --model-dir "$dir" | grep -E "^(TensorFlow|test at|early stop)"
    runs+=("$name=$dir")
  done
done
"$py2" - "$dataset" "${runs[@]}" <<'EOF'
import json, os, statistics, sys
dataset, runs = sys.argv[1], sys.argv[2:]
rows = {}
for spec in runs:
  name, path = spec.split("=", 1)
  with open(os.path.join(path, "test", "metrics.json")) as f:
    t = json.load(f)["latest"]
  key = name.rsplit("-seed", 1)[0]
  rows.setdefault(key, []).append((t["sequence_accuracy"], t["accuracy"],
                                   t["global_step"]))
print("\n%s TEST split, held-out accuracy (seeds: %d each)" % (
    dataset, len(next(iter(rows.values())))))
print("| run | sequence accuracy (last step): mean +- sd, median [min, max] | per-timestep accuracy, mean | best checkpoint steps |")
print("|---|---|---|---|")
summary = {}
for key in ("tf2-inhouse", "tf1-inhouse", "tf1-contrib"):
  seq = [r[0] for r in rows[key]]; per = [r[1] for r in rows[key]]
  summary[key] = {"sequence_accuracy": seq, "accuracy": per,
                  "steps": [r[2] for r in rows[key]]}
  sd = statistics.stdev(seq) if len(seq) > 1 else 0.0
  print("| %s | %.4f +- %.4f, %.4f [%.4f, %.4f] | %.4f | %s |" % (
      key, statistics.mean(seq), sd, statistics.median(seq), min(seq),
      max(seq), statistics.mean(per),
      ", ".join(str(r[2]) for r in rows[key])))
with open("benchmarks/uea_results.json", "w") as f:
  json.dump({"dataset": dataset, "runs": summary}, f, indent=1, sort_keys=True)
EOF
