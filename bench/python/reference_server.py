"""
The classic stack's serving design, as the reference of the predict benchmark:
FastAPI + pydantic validation + an xgboost Booster in process, the client
posting ready feature vectors (no online feature state, no intervals).

Usage: python reference_server.py <manifest.json> <port>
The manifest names a float32 training matrix (rows x cols, little-endian),
its targets, and the booster parameters; the server trains a booster of the
same tree shape as the gateway's model (rounds, depth, eta) at start-up, then
prints "ready <port>" and serves:
  POST /predict  {"features": [38 numbers or null]}         -> {"forecast": f}
  POST /predict  {"items": [[38 numbers or null], ...]}      -> {"predictions": [f, ...]}
"""
import json
import sys
from typing import List, Optional, Union

import numpy as np
import uvicorn
import xgboost as xgb
from fastapi import FastAPI
from pydantic import BaseModel


class Single(BaseModel):
    features: List[Optional[float]]


class Batch(BaseModel):
    items: List[List[Optional[float]]]


def train(manifest):
    cols = manifest["cols"]
    X = np.fromfile(manifest["X"], dtype="<f4").reshape(-1, cols)
    y = np.fromfile(manifest["y"], dtype="<f4")
    p = manifest["params"]
    params = {"objective": "reg:squarederror", "tree_method": "hist", "max_depth": p["maxDepth"], "eta": p["eta"], "nthread": 1}
    return xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan), num_boost_round=p["rounds"]), cols


def matrix(rows, cols):
    a = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=np.float32)
    if a.ndim != 2 or a.shape[1] != cols:
        raise ValueError(f"features: expected {cols} values per row")
    return a


def app_for(booster, cols):
    app = FastAPI()

    @app.post("/predict")
    def predict(body: Union[Batch, Single]):
        if isinstance(body, Batch):
            return {"predictions": booster.inplace_predict(matrix(body.items, cols)).tolist()}
        return {"forecast": float(booster.inplace_predict(matrix([body.features], cols))[0])}

    return app


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    port = int(sys.argv[2])
    booster, cols = train(manifest)
    print(f"trained {manifest['params']['rounds']} trees of depth {manifest['params']['maxDepth']}", flush=True)
    config = uvicorn.Config(app_for(booster, cols), host="127.0.0.1", port=port, log_level="warning", access_log=False, loop="uvloop", http="httptools")
    server = uvicorn.Server(config)
    print(f"ready {port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
