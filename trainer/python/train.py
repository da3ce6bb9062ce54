"""Train one XGBoost model on matrices written by the TypeScript trainer and export it to ONNX.

Usage: python train.py <manifest.json>

The manifest (written by trainer/run/xgboost.ts) names raw little-endian float32
files relative to its own folder:
  {"cols": C, "featureNames": [...],
   "train":   {"rows": n, "X": "train_X.f32", "y": "train_y.f32", "w": "train_w.f32"},
   "valid":   {"rows": n, "X": ..., "y": ..., "w": ...}          (optional: early stopping)
   "holdout": {"rows": n, "X": "holdout_X.f32"}                  (optional: parity check)
   "params":  {"rounds", "maxDepth", "eta", "earlyStopping", "nthread", ...},
   "output":  {"model": "model.onnx", "result": "result.json"}}

stdout carries JSON lines only: {"type":"log"}, {"type":"progress"}, {"type":"done"},
or {"type":"error","code":...}. Exit codes: 0 ok, 2 bad input, 3 training failed,
4 export failed, 5 missing packages (venv not set up).
"""
import json
import os
import sys
import time

EXIT_BAD_INPUT, EXIT_TRAIN, EXIT_EXPORT, EXIT_ENV = 2, 3, 4, 5

# Sized for ~0.9M rows x ~36 cols on 2 cores in well under a minute: a round
# costs ~0.2 s of CPU at that size whatever the sampling, so the round cap is
# the budget. On the simulator (3,300 series) early stopping lands at 40-130
# rounds; depth 7, more bins, a smaller eta or 2x the rows moved validation
# WAPE by < 0.001 while costing 1.5-2x the CPU.
DEFAULTS = {
    "rounds": 150,
    "maxDepth": 6,
    "eta": 0.15,
    "earlyStopping": 20,
    "nthread": 2,
    "subsample": 0.7,
    "colsampleBytree": 0.7,
    "minChildWeight": 5.0,
    "lambda": 1.0,
    "maxBin": 64,
    "seed": 0,
    "progressEvery": 10,
}


def emit(kind, **fields):
    print(json.dumps({"type": kind, **fields}), flush=True)


class Failure(Exception):
    def __init__(self, exit_code, code, msg):
        super().__init__(msg)
        self.exit_code, self.code, self.msg = exit_code, code, msg


def bad_input(msg):
    return Failure(EXIT_BAD_INPUT, "BAD_INPUT", msg)


def read_matrix(np, base, spec, name, cols, key):
    """A float32 array from spec[key]; the file size must match rows x cols exactly."""
    rows = spec.get("rows")
    if not isinstance(rows, int) or rows < 0:
        raise bad_input(f"{name}.rows: expected a non-negative integer, got {rows!r}")
    rel = spec.get(key)
    if not isinstance(rel, str):
        raise bad_input(f"{name}.{key}: expected a file name")
    path = os.path.join(base, rel)
    width = cols if key == "X" else 1
    expected = rows * width * 4
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise bad_input(f"{name}.{key}: cannot read {path}: {e.strerror}")
    if size != expected:
        raise bad_input(f"{name}.{key}: {path} has {size} bytes, expected {expected} ({rows} rows x {width} float32)")
    a = np.fromfile(path, dtype="<f4")
    return a.reshape(rows, cols) if key == "X" else a


def load(np, manifest_path):
    try:
        with open(manifest_path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        raise bad_input(f"manifest {manifest_path}: {e}")
    base = os.path.dirname(os.path.abspath(manifest_path))
    cols = m.get("cols")
    if not isinstance(cols, int) or cols < 1:
        raise bad_input(f"cols: expected a positive integer, got {cols!r}")
    names = m.get("featureNames")
    if not isinstance(names, list) or len(names) != cols:
        raise bad_input(f"featureNames: expected {cols} names")
    params = {**DEFAULTS, **(m.get("params") or {})}
    data = {}
    for part, keys in (("train", ("X", "y", "w")), ("valid", ("X", "y", "w")), ("holdout", ("X",))):
        spec = m.get(part)
        if spec is None:
            if part == "train":
                raise bad_input("train: missing")
            continue
        data[part] = {k: read_matrix(np, base, spec, part, cols, k) for k in keys}
        if "y" in data[part] and not np.all(np.isfinite(data[part]["y"])):
            raise bad_input(f"{part}.y: every target must be finite")
    if data["train"]["X"].shape[0] == 0:
        raise bad_input("train.rows: expected at least one row")
    out = m.get("output") or {}
    paths = {k: os.path.join(base, out.get(k, d)) for k, d in (("model", "model.onnx"), ("result", "result.json"))}
    return cols, names, params, data, paths


def train(np, xgb, cols, params, data):
    tr = data["train"]
    # Weights arrive in sales units (the row's scale); normalize to mean 1 so
    # min_child_weight keeps its usual meaning. Valid uses the same factor.
    wscale = float(np.mean(tr["w"])) or 1.0
    dtrain = xgb.QuantileDMatrix(tr["X"], label=tr["y"], weight=tr["w"] / wscale, missing=np.nan,
                                 max_bin=int(params["maxBin"]))
    # train first: early stopping watches the last set, the validation one
    evals = [(dtrain, "train")]
    if "valid" in data and data["valid"]["X"].shape[0] > 0:
        va = data["valid"]
        dvalid = xgb.QuantileDMatrix(va["X"], label=va["y"], weight=va["w"] / wscale, missing=np.nan, ref=dtrain,
                                     max_bin=int(params["maxBin"]))
        evals.append((dvalid, "valid"))
    has_valid = len(evals) > 1
    booster_params = {
        "objective": "reg:squarederror",
        "tree_method": "hist",
        "max_depth": int(params["maxDepth"]),
        "eta": float(params["eta"]),
        "subsample": float(params["subsample"]),
        "colsample_bytree": float(params["colsampleBytree"]),
        "min_child_weight": float(params["minChildWeight"]),
        "lambda": float(params["lambda"]),
        "max_bin": int(params["maxBin"]),
        "nthread": int(params["nthread"]),
        "seed": int(params["seed"]),
        "eval_metric": "mae",
    }
    rounds = int(params["rounds"])
    every = max(1, int(params["progressEvery"]))

    class Progress(xgb.callback.TrainingCallback):
        def after_iteration(self, model, epoch, evals_log):
            if (epoch + 1) % every == 0 or epoch + 1 == rounds:
                score = evals_log.get("valid", {}).get("mae", [None])[-1]
                emit("progress", round=epoch + 1, of=rounds, validMae=score)
            return False

    history = {}
    booster = xgb.train(booster_params, dtrain, num_boost_round=rounds, evals=evals, evals_result=history,
                        early_stopping_rounds=int(params["earlyStopping"]) if has_valid else None,
                        callbacks=[Progress()], verbose_eval=False)
    best = int(getattr(booster, "best_iteration", rounds - 1)) if has_valid else booster.num_boosted_rounds() - 1
    # Keep exactly the trees up to the best round: the ONNX file and XGBoost's
    # own predictions then describe the same model.
    return booster[: best + 1], best, history


def curves_of(history, best):
    """Per-round MAE on the training and validation sets (every round trained, also those after the best)."""
    train = [float(v) for v in history.get("train", {}).get("mae", [])]
    valid = [float(v) for v in history.get("valid", {}).get("mae", [])]
    return {"metric": "mae", "train": train, "valid": valid, "bestRound": best + 1}


def importance_of(booster, names):
    """Gain per feature by name (average gain of its splits, as XGBoost's 'gain') and its split count, over the kept trees."""
    gain = booster.get_score(importance_type="gain")
    weight = booster.get_score(importance_type="weight")
    out = []
    for key, g in gain.items():
        # without feature names in the DMatrix, XGBoost names columns f0, f1, ...
        i = int(key[1:]) if key.startswith("f") and key[1:].isdigit() else None
        name = names[i] if i is not None and 0 <= i < len(names) else key
        out.append({"feature": name, "gain": float(g), "splits": int(weight.get(key, 0))})
    return sorted(out, key=lambda r: -r["gain"])


def export(booster, cols, path):
    import onnxmltools
    from onnxmltools.convert.common.data_types import FloatTensorType
    onx = onnxmltools.convert_xgboost(booster, initial_types=[("features", FloatTensorType([None, cols]))],
                                      target_opset=15)
    data = onx.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def main(argv):
    if len(argv) != 2:
        raise bad_input("usage: train.py <manifest.json>")
    t0 = time.perf_counter()
    try:
        import numpy as np
        import xgboost as xgb
        import onnxmltools  # noqa: F401  (fail now, not after training)
    except ImportError as e:
        raise Failure(EXIT_ENV, "ENV", f"{e}; install trainer/python/requirements.txt into this interpreter")
    timings = {}
    cols, names, params, data, paths = load(np, argv[1])
    timings["loadMs"] = (time.perf_counter() - t0) * 1000
    emit("log", msg=f"xgboost {xgb.__version__}: train {data['train']['X'].shape[0]} rows x {cols} cols, "
                    f"valid {data.get('valid', {}).get('X', np.empty((0,))).shape[0]} rows, nthread {params['nthread']}")
    t1 = time.perf_counter()
    c1 = time.process_time()
    try:
        booster, best, history = train(np, xgb, cols, params, data)
    except xgb.core.XGBoostError as e:
        raise Failure(EXIT_TRAIN, "TRAIN", str(e).splitlines()[0])
    timings["trainMs"] = (time.perf_counter() - t1) * 1000
    # CPU time (all threads): on a shared machine wall time says more about the neighbours.
    timings["trainCpuMs"] = (time.process_time() - c1) * 1000
    emit("log", msg=f"best iteration {best} ({booster.num_boosted_rounds()} trees)")

    t2 = time.perf_counter()
    hx = data.get("holdout", {}).get("X")
    preds = [] if hx is None or hx.shape[0] == 0 else booster.inplace_predict(hx, missing=np.nan).astype(np.float32)
    timings["predictMs"] = (time.perf_counter() - t2) * 1000

    t3 = time.perf_counter()
    try:
        size = export(booster, cols, paths["model"])
    except Exception as e:  # the converter raises many types; all mean "no artifact"
        raise Failure(EXIT_EXPORT, "EXPORT", f"ONNX export failed: {type(e).__name__}: {e}")
    timings["exportMs"] = (time.perf_counter() - t3) * 1000
    timings["totalMs"] = (time.perf_counter() - t0) * 1000

    result = {
        "bestIteration": best,
        "trees": booster.num_boosted_rounds(),
        "onnxBytes": size,
        "holdoutPredictions": [float(v) for v in preds],
        "curves": curves_of(history, best),
        "importance": importance_of(booster, names),
        "timings": timings,
        "versions": {"xgboost": xgb.__version__, "numpy": np.__version__},
    }
    with open(paths["result"], "w", encoding="utf-8") as f:
        json.dump(result, f)
    emit("done", bestIteration=best, timings=timings)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Failure as f:
        emit("error", code=f.code, msg=f.msg)
        sys.exit(f.exit_code)
    except Exception as e:  # unexpected: still one JSON line, then a distinct code
        emit("error", code="INTERNAL", msg=f"{type(e).__name__}: {e}")
        sys.exit(1)
