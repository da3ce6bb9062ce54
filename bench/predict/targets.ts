/**
 * The servers the gateway is measured beside, in the same run: a bare
 * node:http JSON echo (the ceiling of any Node JSON service on this
 * machine), and the classic stack's FastAPI + xgboost server
 * (bench/python/reference_server.py) fed ready feature vectors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainingMatrix } from '../../domain/features/features.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface Target {
  url: string;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<Target> {
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

/** node:http, the body parsed as JSON and sent back serialized: no routing, validation or model. */
export function echoServer(): Promise<Target> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return listen(server);
}

/** Tree shape shared with the gateway's benchmark model. */
export interface TreeShape {
  rounds: number;
  maxDepth: number;
  eta: number;
}

/**
 * Starts the FastAPI reference with the project's venv python: it trains a
 * booster of the same shape on `train` (so its trees are as deep and as many
 * as the ONNX model's), then serves. Resolves when it says "ready".
 */
export async function referenceServer(python: string, train: TrainingMatrix, shape: TreeShape, port: number): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ref-'));
  const rows: number[] = [];
  for (let r = 0; r < train.rows; r++) if (Number.isFinite(train.y[r]!)) rows.push(r);
  const X = new Float32Array(rows.length * train.cols);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    X.set(train.X.subarray(r * train.cols, (r + 1) * train.cols), i * train.cols);
    y[i] = train.y[r]!;
  });
  await writeFile(join(dir, 'X.f32'), Buffer.from(X.buffer));
  await writeFile(join(dir, 'y.f32'), Buffer.from(y.buffer));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ cols: train.cols, X: join(dir, 'X.f32'), y: join(dir, 'y.f32'), params: shape }));
  const child = spawn(python, [join(HERE, '..', 'python', 'reference_server.py'), join(dir, 'manifest.json'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await ready(child, port);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function ready(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`reference server: not ready on port ${port} after 120 s (${out.trim()})`)), 120_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(`ready ${port}`)) {
        clearTimeout(timer);
        // uvicorn binds right after printing: give it a moment
        setTimeout(resolve, 500);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server exited with ${code} before it was ready (${out.trim()}); is FastAPI installed? npm run stack -- install`));
    });
  });
}
